# source: https://github.com/runefriborg/pycsp/issues/30
# models: a CSP library's @process decorator replaces each function with a factory object; calling it makes a Process object that later runs the stored original function in a multiprocessing.Process; Parallel(...) starts and joins them
# expect: fails-spawn: the original function pickles by name and __main__.work is now the decorator's object: PicklingError: Can't pickle <function work>: it's not the same object as __main__.work
import multiprocessing


class Process:
    def __init__(self, fn, *args):
        self.fn = fn
        self.args = args
        self.proc = None

    def start(self, results):
        self.proc = multiprocessing.Process(target=self.fn, args=self.args + (results,))
        self.proc.start()


class process:
    def __init__(self, func):
        self.func = func
        self.__name__ = func.__name__

    def __call__(self, *args):
        return Process(self.func, *args)


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
