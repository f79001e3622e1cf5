from multiprocessing import Pool

def normalise(word):
    return word.lower()

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(normalise, ["A", 2]))
