# source: https://github.com/cgarciae/pypeln/pull/74
# models: pypeln's IterableQueue (a multiprocessing.queues.Queue subclass) defines __getstate__/__setstate__ that forward only the base queue's state, so the namespace and exception queue it adds in __init__ do not travel to the worker Processes that receive it
# expect: fails-spawn: the queue is pickled into each worker with its parent's state only, and the worker's put() reads self.namespace (AttributeError: 'IterableQueue' object has no attribute 'namespace'); the parent then waits for the worker's done signal forever
import multiprocessing
import multiprocessing.queues


class IterableQueue(multiprocessing.queues.Queue):
    def __init__(self, maxsize=0, total_sources=1):
        super().__init__(maxsize=maxsize, ctx=multiprocessing.get_context())
        self.namespace = _Namespace(total_sources)
        self.exception_queue = multiprocessing.Queue()

    def __getstate__(self):
        return super().__getstate__()

    def __setstate__(self, state):
        super().__setstate__(state)

    def done(self):
        self.namespace.remaining -= 1
        self.put(None)


class _Namespace:
    def __init__(self, remaining):
        self.remaining = remaining


def map_worker(f, items, output_queue):
    for item in items:
        output_queue.put(f(item))
    output_queue.done()


def square(x):
    return x * x


if __name__ == "__main__":
    queue = IterableQueue(total_sources=1)
    worker = multiprocessing.Process(target=map_worker, args=(square, [1, 2, 3], queue))
    worker.start()
    results = []
    while (item := queue.get(timeout=5)) is not None:
        results.append(item)
    worker.join()
    print(results)
