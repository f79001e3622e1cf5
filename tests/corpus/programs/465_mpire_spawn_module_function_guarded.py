# source: https://github.com/sybrenjansen/mpire/issues/127
# models: the minimal example without use_dill: WorkerPool(n_jobs=2, start_method="spawn") maps a module-level function under if __name__ == "__main__"
# expect: clean (the function pickles by name and the spawned workers import the script without starting anything)
from mpire import WorkerPool


def f(x):
    return x**2


if __name__ == "__main__":
    with WorkerPool(n_jobs=2, start_method="spawn") as pool:
        y = pool.map(f, range(10))
    print(y)
