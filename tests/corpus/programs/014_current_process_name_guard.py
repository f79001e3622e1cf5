# source: https://github.com/pybind/pybind11/issues/2045
# models: the same need -- run the driver only in the main process -- written as `if multiprocessing.current_process().name == "MainProcess":`, the check several projects use instead of __name__
# expect: clean (a spawned child gets its process name before it re-imports the main module, so the block does not run in the children)
import multiprocessing


def square(x):
    return x * x


if multiprocessing.current_process().name == "MainProcess":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(8)))
