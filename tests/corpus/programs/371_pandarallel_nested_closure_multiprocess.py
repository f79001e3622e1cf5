# source: https://github.com/nalepae/pandarallel/issues/72
# models: the library builds the worker function as a closure nested in another closure (prepare_worker.<locals>.closure.<locals>.wrapper) and maps it over chunks with multiprocess (dill), the fix the project moved to
# expect: clean (multiprocess pickles with dill, which serialises nested closures by value; the call is under the main guard)
from multiprocess import Pool


def prepare_worker(use_memory_fs):
    def closure(func):
        def wrapper(chunk):
            return [func(x) for x in chunk]

        return wrapper

    return closure


def parallel_apply(data, func, nb_workers=2):
    worker = prepare_worker(use_memory_fs=False)(func)
    chunks = [data[i::nb_workers] for i in range(nb_workers)]
    with Pool(nb_workers) as pool:
        parts = pool.map(worker, chunks)
    return sorted(x for part in parts for x in part)


def square(x):
    return x * x


if __name__ == "__main__":
    print(parallel_apply([1, 2, 3, 4, 5], square))
