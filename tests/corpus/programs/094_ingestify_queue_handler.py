# source: https://github.com/PySport/ingestify/issues/1
# models: the pattern proposed in the thread: workers send records through a logging.handlers.QueueHandler to a multiprocessing.Queue and the main process handles them
# expect: clean (log records travel through a queue passed to the workers)
import logging
import logging.handlers
import multiprocessing
import sys


def worker_process(q, i):
    root = logging.getLogger()
    root.addHandler(logging.handlers.QueueHandler(q))
    root.setLevel(logging.INFO)
    logging.info("Hello from worker %d", i)


if __name__ == "__main__":
    q = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker_process, args=(q, i)) for i in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    handler = logging.StreamHandler(sys.stdout)
    lines = sorted(q.get(timeout=10).getMessage() for _ in workers)
    print("\n".join(lines))
