# source: https://github.com/sybrenjansen/mpire/issues/127
# models: the reporter's reason for use_dill: the same WorkerPool(start_method="spawn") given a lambda, here with use_dill left off
# expect: fails-spawn: with the standard pickler the spawned workers cannot be sent the lambda (PicklingError: attribute lookup <lambda> on __main__ failed)
from mpire import WorkerPool

if __name__ == "__main__":
    square = lambda x: x**2  # noqa: E731
    with WorkerPool(n_jobs=2, start_method="spawn") as pool:
        y = pool.map(square, range(10))
    print(y)
