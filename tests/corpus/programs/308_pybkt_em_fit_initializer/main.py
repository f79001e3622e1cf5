# source: https://github.com/CAHLR/pyBKT/issues/11
# models: the fix suggested in the thread: the module-level `input` is filled in every worker by the pool's initializer from initargs instead of by run() in the parent
# expect: clean (the initializer runs in each spawned worker with the pickled dict, so inner sees the same values as under fork)
from pybkt.fit import em_fit


def fit_model(num_resources):
    model = {"As": [0.2, 0.8], "learns": [0.1] * num_resources, "prior": 0.3}
    return em_fit.run(model, num_resources)


if __name__ == "__main__":
    print("log likelihoods:", fit_model(3))
