# source: https://github.com/airspeed-velocity/asv/pull/1551
# models: the merged fix: benchmark workers fill the module-level _global_locks dict and the base environment in a Pool initializer, from the manager locks and the os.environ copy that the parent passes in initargs
# expect: clean (the initializer runs in every worker, so each one has the locks and the environment the parent chose)
import multiprocessing
import os

_global_locks = {}


def _init_global_locks(lock_dict, env):
    """Initialize global locks in a new multiprocessing process.
    Also inherit the base environment even if using a forkserver."""
    _global_locks.update(lock_dict)
    os.environ.update(env)


def run_benchmark(name):
    with _global_locks["build"]:
        return "%s ran with ASV_ENV_NAME=%s" % (name, os.environ.get("ASV_ENV_NAME"))


def run_benchmarks(names):
    manager = multiprocessing.Manager()
    lock_dict = {"build": manager.Lock()}
    env = dict(os.environ)
    env["ASV_ENV_NAME"] = "py311"
    with multiprocessing.Pool(2, _init_global_locks, (lock_dict, env)) as pool:
        lines = pool.map(run_benchmark, names)
    manager.shutdown()
    return lines


if __name__ == "__main__":
    for line in run_benchmarks(["time_sort", "time_parse", "mem_list"]):
        print(line)
