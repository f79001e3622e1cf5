# source: https://github.com/runefriborg/pycsp/issues/30
# models: the decorator style that survives spawn: @process returns a plain function (functools.wraps) that builds the Process object, and the child runs a module-level trampoline given the wrapped function's name
# expect: clean (the target and its arguments are a module-level function, a string and numbers)
import functools
import multiprocessing
import sys


def _run_by_name(module, name, args, results):
    getattr(sys.modules[module], name).__wrapped__(*args, results)


class Process:
    def __init__(self, fn, *args):
        self.fn = fn
        self.args = args
        self.proc = None

    def start(self, results):
        target_args = (self.fn.__module__, self.fn.__name__, self.args, results)
        self.proc = multiprocessing.Process(target=_run_by_name, args=target_args)
        self.proc.start()


def process(func):
    @functools.wraps(func)
    def factory(*args):
        return Process(factory, *args)

    return factory


def Parallel(*plist):
    results = multiprocessing.Queue()
    for p in plist:
        p.start(results)
    out = sorted(results.get() for _ in plist)
    for p in plist:
        p.proc.join()
    return out


@process
def work(n, results):
    results.put((n, n * n))


if __name__ == "__main__":
    print(Parallel(work(1), work(2), work(3)))
