# source: https://github.com/pnpnpn/timeout-decorator/issues/43
# models: @timeout(5, use_signals=False) runs the decorated function in a multiprocessing.Process whose target is the original, undecorated function; the module name now refers to the wrapper (Windows)
# expect: fails-spawn: the original function is pickled by its qualified name, which now resolves to the wrapper -> PicklingError: Can't pickle <function mytest>: it's not the same object as __main__.mytest
import functools
import multiprocessing


def timeout(seconds, use_signals=True):
    def decorate(function):
        @functools.wraps(function)
        def new_function(*args, **kwargs):
            queue = multiprocessing.Queue(1)
            proc = multiprocessing.Process(target=_target, args=(function, queue, args, kwargs))
            proc.start()
            proc.join(seconds)
            return queue.get(timeout=1)
        return new_function
    return decorate


def _target(function, queue, args, kwargs):
    queue.put(function(*args, **kwargs))


@timeout(5, use_signals=False)
def mytest(n):
    return sum(range(n))


if __name__ == "__main__":
    print("result:", mytest(100))
