# source: https://github.com/mowshon/bounded_pool_executor/issues/5
# models: the test script of a ProcessPoolExecutor subclass that bounds its queue with a semaphore; the script submits jobs at module level, without a main guard
# expect: fails-spawn: every spawned worker re-imports the script and submits to a new executor while bootstrapping -> RuntimeError in each worker; the parent's pool breaks (BrokenProcessPool)
import multiprocessing
from concurrent.futures import ProcessPoolExecutor


class BoundedProcessPoolExecutor(ProcessPoolExecutor):
    def __init__(self, max_workers=None):
        super().__init__(max_workers)
        self.semaphore = multiprocessing.BoundedSemaphore((max_workers or 1) * 2)

    def acquire(self):
        self.semaphore.acquire()

    def release(self, fn):
        self.semaphore.release()

    def submit(self, fn, *args, **kwargs):
        self.acquire()
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self.release)
        return future


def job(num):
    return num * 10


with BoundedProcessPoolExecutor(max_workers=2) as worker:
    futures = [worker.submit(job, num) for num in range(5)]
    print("#0 Worker initialization", [f.result() for f in futures])
