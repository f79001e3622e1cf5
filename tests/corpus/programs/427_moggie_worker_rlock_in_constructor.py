# source: https://github.com/mailpile/moggie/issues/14
# models: moggie's workers subclass multiprocessing.Process and create a threading.RLock in their constructor to guard their state; the app starts a search worker
# expect: fails-spawn: start() pickles the whole worker instance, including its lock (TypeError: cannot pickle '_thread.RLock' object)
import multiprocessing
import threading


class BaseWorker(multiprocessing.Process):
    KIND = "base"

    def __init__(self, status_dir, name=None):
        super().__init__(name=name or self.KIND)
        self.status_dir = status_dir
        self.lock = threading.RLock()
        self.results = multiprocessing.Queue()
        self.keep_running = True

    def run(self):
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
