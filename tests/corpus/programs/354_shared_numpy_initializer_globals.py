# source: https://github.com/widmi/multiprocess-shared-numpy-arrays/issues/2
# models: the usual fix: the shared array is handed to each worker through the pool's initializer, which stores it in a module global in the worker
# expect: clean (a RawArray passed through initargs is inherited by the spawned worker at start; the initializer stores it before any task runs)
from multiprocessing import Pool, RawArray

shared_arrays = {}


def init_worker(name, shared):
    shared_arrays[name] = shared


def column_sum(args):
    name, start, stop = args
    return sum(shared_arrays[name][start:stop])


if __name__ == "__main__":
    shared = RawArray("d", [float(i) for i in range(10)])
    with Pool(2, initializer=init_worker, initargs=("shared_data", shared)) as pool:
        print(pool.map(column_sum, [("shared_data", 0, 5), ("shared_data", 5, 10)]))
