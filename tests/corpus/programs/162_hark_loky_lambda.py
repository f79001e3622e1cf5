# source: https://github.com/econ-ark/HARK/pull/377
# models: the HARK change "move to default loky joblib backend, so lambda functions are picklable": the agents' solve step is dispatched as lambdas through joblib's default backend under the guard
# expect: clean (loky serialises the callables with cloudpickle, lambdas included)
from joblib import Parallel, delayed


def solve(agent, discount):
    return agent, round(discount ** agent, 4)


if __name__ == "__main__":
    tasks = [lambda a=a: solve(a, 0.96) for a in range(4)]
    print(Parallel(n_jobs=2)(delayed(t)() for t in tasks))
