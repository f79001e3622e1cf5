# source: https://github.com/microsoft/dpu-utils/pull/59
# models: a buffered iterator fills a queue from a background Process; callers pass a lambda that creates the underlying iterator, and the iterator hands it to the Process
# expect: fails-spawn: the Process arguments are pickled for the spawned child and the factory is a lambda (PicklingError: attribute lookup <lambda> on __main__ failed)
import multiprocessing


def _produce(factory, queue, sentinel):
    for item in factory():
        queue.put(item)
    queue.put(sentinel)


class MultiWorkerBufferedIterator:
    def __init__(self, iterator_factory, max_queue_size=16):
        self._queue = multiprocessing.Queue(max_queue_size)
        self._worker = multiprocessing.Process(
            target=_produce, args=(iterator_factory, self._queue, None)
        )
        self._worker.start()

    def __iter__(self):
        while True:
            item = self._queue.get(timeout=5)
            if item is None:
                break
            yield item
        self._worker.join()


def read_samples(n):
    for i in range(n):
        yield {"id": i, "tokens": i * 3}


if __name__ == "__main__":
    for sample in MultiWorkerBufferedIterator(lambda: read_samples(3)):
        print(sample)
