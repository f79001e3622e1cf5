# source: https://github.com/huggingface/datasets/pull/656
# models: the reason datasets adopted multiprocess (pathos' fork of multiprocessing): a map over a lambda with a pathos ProcessingPool, run from the guarded entry point
# expect: clean (multiprocess serialises the lambda with dill; the pool is created under the guard)
from pathos.multiprocessing import ProcessingPool

if __name__ == "__main__":
    pool = ProcessingPool(nodes=2)
    try:
        print(pool.map(lambda x: x ** 2, range(6)))
    finally:
        pool.close()
        pool.join()
        pool.clear()
