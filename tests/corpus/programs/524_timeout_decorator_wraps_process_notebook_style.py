# source: https://github.com/pnpnpn/timeout-decorator/issues/83
# models: a timeout decorator in the style of timeout_decorator.timeout(3, use_signals=False): functools.wraps keeps the name, and the wrapper runs the original function in a multiprocessing.Process with a Queue for the result
# expect: fails-spawn: the Process args carry the original function, which pickles by name, and __main__.mytest is now the wrapper: PicklingError: Can't pickle <function mytest>: it's not the same object as __main__.mytest
import functools
import multiprocessing
import time


class TimeoutError_(Exception):
    pass


def _target(queue, function, *args, **kwargs):
    try:
        queue.put((True, function(*args, **kwargs)))
    except Exception as e:  # noqa: BLE001
        queue.put((False, e))


class _Timeout:
    def __init__(self, function, limit):
        self.__limit = limit
        self.__function = function

    def __call__(self, *args, **kwargs):
        self.__queue = multiprocessing.Queue(1)
        args = (self.__queue, self.__function) + args
        self.__process = multiprocessing.Process(target=_target, args=args, kwargs=kwargs)
        self.__process.daemon = True
        self.__process.start()
        self.__process.join(self.__limit)
        if self.__process.is_alive():
            self.__process.terminate()
            raise TimeoutError_("Timed Out")
        flag, value = self.__queue.get()
        if flag:
            return value
        raise value


def timeout(seconds=None, use_signals=True):
    def decorate(function):
        @functools.wraps(function)
        def new_function(*args, **kwargs):
            return _Timeout(function, seconds)(*args, **kwargs)

        return new_function

    return decorate


@timeout(3, use_signals=False)
def mytest():
    time.sleep(0.2)
    return 5


if __name__ == "__main__":
    print(mytest())
