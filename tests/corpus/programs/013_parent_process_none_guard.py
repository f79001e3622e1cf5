# source: https://github.com/pybind/pybind11/issues/2045
# models: a script that must tell the main execution from its spawned workers uses `if multiprocessing.parent_process() is None:` instead of a __name__ check (the report asks how to distinguish the children from the main run)
# expect: fails-spawn: a spawned child re-imports the main module before its parent_process() is set, so the check is true in the child too; the pool is started again while bootstrapping (RuntimeError) and the parent hangs
import multiprocessing


def square(x):
    return x * x


if multiprocessing.parent_process() is None:
    with multiprocessing.Pool(2) as pool:
        print(pool.map(square, range(8)))
