import multiprocessing


def _target(queue, function, args):
    queue.put(function(*args))


def timeout(seconds, use_signals=True):
    def decorate(function):
        def new_function(*args):
            queue = multiprocessing.Queue(1)
            proc = multiprocessing.Process(target=_target, args=(queue, function, args))
            proc.start()
            proc.join(seconds)
            return queue.get(timeout=1)
        new_function.__name__ = function.__name__
        new_function.__qualname__ = function.__qualname__
        return new_function
    return decorate
