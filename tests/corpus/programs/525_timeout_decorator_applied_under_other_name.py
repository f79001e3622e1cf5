# source: https://github.com/pnpnpn/timeout-decorator/issues/83
# models: the same process-based timeout wrapper applied by call instead of with @: the plain function keeps its module-level name and the wrapped one is bound to another name
# expect: clean (the Process args carry _mytest, which __main__._mytest still names in the re-imported script)
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


def _mytest():
    time.sleep(0.2)
    return 5


mytest = timeout(3, use_signals=False)(_mytest)

if __name__ == "__main__":
    print(mytest())
