# source: https://github.com/gwct/referee/issues/6
# models: a genotype caller's pool tasks return a progress-tracking object (in the report a psutil.Process) that holds a lock, so the result cannot be sent back
# expect: fails-spawn: the worker cannot pickle its result -> multiprocessing.pool.MaybeEncodingError: Error sending result ... TypeError: cannot pickle '_thread.lock' object (every start method)
import multiprocessing
import threading


class Tracker:
    def __init__(self, chunk):
        self.chunk = chunk
        self.lock = threading.Lock()
        self.sites = 0

    def update(self, n):
        with self.lock:
            self.sites += n


def get_sub_pid(chunk):
    tracker = Tracker(chunk)
    tracker.update(chunk * 10)
    return tracker


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        for tracker in pool.imap(get_sub_pid, range(3)):
            print(tracker.chunk, tracker.sites)
