# source: https://github.com/software-mansion/protostar/pull/705
# models: the fix: the test runner's Pool initializer is a module-level function (it sets the worker's signal handling and a module global from initargs)
# expect: clean (a module-level function pickles by name; initargs are plain values)
import signal
from multiprocessing import Pool

_worker_config = None


def init_worker(config):
    global _worker_config
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_config = config


def run_test(name):
    return f"{name}: passed (seed {_worker_config['seed']})"


class TestRunner:
    def __init__(self, seed):
        self.config = {"seed": seed}

    def run(self, names):
        with Pool(2, initializer=init_worker, initargs=(self.config,)) as pool:
            return pool.map(run_test, names)


if __name__ == "__main__":
    for line in TestRunner(seed=7).run(["test_deploy", "test_call"]):
        print(line)
