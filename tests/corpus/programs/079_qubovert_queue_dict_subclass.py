# source: https://github.com/jtiosue/qubovert/issues/32
# models: a producer process puts a PCBO-like polynomial (a dict subclass that tracks its degree in __setitem__) on a multiprocessing.Queue and a consumer process gets it
# expect: fails-spawn: queue.get() in the consumer unpickles the items before _degree exists -> AttributeError: 'PCBO' object has no attribute '_degree'; the parent then waits for a result that never comes
import multiprocessing


class PCBO(dict):
    def __init__(self, terms=()):
        self._degree = 0
        super().__init__()
        for key, value in dict(terms).items():
            self[key] = value

    def __setitem__(self, key, value):
        self._degree = max(self._degree, len(key))
        super().__setitem__(key, value)


def produce(queue):
    queue.put(PCBO({(0, 1): -5, (1,): 2}))


def consume(queue, results):
    pcbo = queue.get()
    results.put((pcbo._degree, sorted(pcbo.items())))


if __name__ == "__main__":
    queue, results = multiprocessing.Queue(), multiprocessing.Queue()
    procs = [multiprocessing.Process(target=produce, args=(queue,)),
             multiprocessing.Process(target=consume, args=(queue, results))]
    for p in procs:
        p.start()
    print(results.get(timeout=8))
    for p in procs:
        p.join()
