# source: https://github.com/sybrenjansen/mpire/issues/58
# models: the report's minimal example: an mpire WorkerPool(n_jobs=2, use_dill=False) whose task raises MyException1(a, b), an exception with two mandatory arguments
# expect: clean (with the pinned mpire the exception is re-raised in the parent without re-creating it from one message argument, so the two-argument exception is caught)
from mpire import WorkerPool


class MyException1(Exception):
    def __init__(self, a, b):
        self.a = a
        self.b = b
        super().__init__(f"a={self.a}, b={self.b}")


def work1(x):
    if x == 3:
        raise MyException1(x, x + 1)
    return x * 2


if __name__ == "__main__":
    with WorkerPool(n_jobs=2, use_dill=False) as pool:
        try:
            print(pool.map(work1, range(6)))
        except MyException1 as e:
            print("caught", e.a, e.b)
