# source: https://github.com/taskiq-python/taskiq/issues/261
# models: the version the maintainer describes: the master process gives each child a reference to its own multiprocessing.Event and waits for all of them
# expect: clean (events passed as Process arguments are inherited by the children)
import multiprocessing
import signal


def worker(worker_id, started):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    started.set()


if __name__ == "__main__":
    events = [multiprocessing.Event() for _ in range(2)]
    procs = [multiprocessing.Process(target=worker, args=(i, e)) for i, e in enumerate(events)]
    for p in procs:
        p.start()
    print("all workers started:", all(e.wait(10) for e in events))
    for p in procs:
        p.join()
