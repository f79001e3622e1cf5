# source: https://github.com/python/cpython/issues/109554
# models: a worker process puts a result object on a multiprocessing.Queue; the object keeps a threading.RLock for its own bookkeeping; the parent waits on queue.get()
# expect: fails-spawn: the worker's queue feeder thread fails to pickle the RLock ("TypeError: cannot pickle '_thread.RLock' object" printed from _feed), the item never arrives and the parent's get() waits forever (hang; every start method)
import multiprocessing
import threading


class ScanResult:
    def __init__(self, path, size):
        self.path = path
        self.size = size
        self._lock = threading.RLock()

    def merge(self, other):
        with self._lock:
            self.size += other.size


def scan(paths, out_queue):
    for path in paths:
        out_queue.put(ScanResult(path, len(path)))


if __name__ == "__main__":
    queue = multiprocessing.Queue()
    paths = ["/etc/hosts", "/etc/passwd"]
    worker = multiprocessing.Process(target=scan, args=(paths, queue))
    worker.start()
    total = queue.get()
    for _ in paths[1:]:
        total.merge(queue.get())
    worker.join()
    print(total.size)
