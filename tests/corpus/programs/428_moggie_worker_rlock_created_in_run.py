# source: https://github.com/mailpile/moggie/issues/14
# models: the workaround from the thread: the worker creates its RLock in run(), which executes in the child, instead of in the constructor
# expect: clean (the instance pickled at start() holds no lock; run() makes one in the child)
import multiprocessing
import threading


class BaseWorker(multiprocessing.Process):
    KIND = "base"

    def __init__(self, status_dir, name=None):
        super().__init__(name=name or self.KIND)
        self.status_dir = status_dir
        self.lock = None
        self.results = multiprocessing.Queue()

    def run(self):
        self.lock = threading.RLock()
        with self.lock:
            self.results.put("%s worker ready in %s" % (self.KIND, self.status_dir))


class SearchWorker(BaseWorker):
    KIND = "search"


def start_workers(status_dir):
    worker = SearchWorker(status_dir)
    worker.start()
    print(worker.results.get(timeout=5))
    worker.join()


if __name__ == "__main__":
    start_workers("/tmp/moggie")
