import pickle

def save(callback, path):
    with open(path, "wb") as handle:
        pickle.dump(callback, handle)

save(lambda: 1, "callback.pickle")
