# source: https://github.com/sybrenjansen/mpire/issues/58
# models: an mpire WorkerPool created with start_method="spawn" and use_dill=True under the main guard, mapping a lambda (mpire's dill option is meant for such functions)
# expect: clean (dill serialises the lambda; the pool is created under the guard)
from mpire import WorkerPool

if __name__ == "__main__":
    with WorkerPool(n_jobs=2, start_method="spawn", use_dill=True) as pool:
        print(pool.map(lambda x: x * x + 1, range(5)))
