# source: https://github.com/econ-ark/HARK/issues/198
# models: before the switch to loky, the Krusell-Smith code used joblib's backend="multiprocessing" and dispatched lambdas (it worked for the maintainers on Linux/macOS and failed for the Windows users)
# expect: fails-spawn: the multiprocessing backend sends tasks through a multiprocessing.Pool with the standard pickler, so the lambda cannot be pickled (every start method)
from joblib import Parallel, delayed


def solve(agent, discount):
    return agent, round(discount ** agent, 4)


if __name__ == "__main__":
    tasks = [lambda a=a: solve(a, 0.96) for a in range(4)]
    print(Parallel(n_jobs=2, backend="multiprocessing")(delayed(t)() for t in tasks))
