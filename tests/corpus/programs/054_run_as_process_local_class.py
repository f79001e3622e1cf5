# source: https://github.com/python/cpython/issues/105982
# models: a @run_as_process decorator returns an instance of a class defined inside the decorator factory; calling it starts a multiprocessing.Process with target=self.func, the original function (works on Linux, PicklingError on Windows)
# expect: fails-spawn: the target is the undecorated function whose module name now holds the RunParallel instance -> PicklingError: Can't pickle <function work>: it's not the same object as __main__.work
import multiprocessing

DEFAULT_POOL = []


def run_as_process(_func=None, *, name=None, context_pool=DEFAULT_POOL):
    class RunParallel:
        def __init__(self, func):
            self.func = func

        def __call__(self, *args, **kwargs):
            process = multiprocessing.Process(target=self.func, name=name, args=args, kwargs=kwargs)
            context_pool.append(process)
            process.start()

    return RunParallel if _func is None else RunParallel(_func)


def process_wait_context(context_pool=DEFAULT_POOL):
    for process in context_pool:
        process.join()
    return [p.exitcode for p in context_pool]


@run_as_process
def work(n, out):
    out.put(n * n)


if __name__ == "__main__":
    out = multiprocessing.Queue()
    for n in range(3):
        work(n, out)
    print(sorted(out.get(timeout=10) for _ in range(3)), process_wait_context())
