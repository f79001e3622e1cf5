# source: https://github.com/taskiq-python/taskiq/issues/261
# models: a worker manager waits until every worker process has installed its signal handlers; the "started" Event is a module-level multiprocessing.Event that workers set as a global (taskiq later passed the event to the children, then removed it)
# expect: fails-spawn: each spawned worker re-imports the module and sets its own new Event; the parent's Event is never set and wait() blocks forever (hang)
import multiprocessing
import signal

STARTED = multiprocessing.Event()


def worker(worker_id):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    STARTED.set()


if __name__ == "__main__":
    procs = [multiprocessing.Process(target=worker, args=(i,)) for i in range(2)]
    for p in procs:
        p.start()
    STARTED.wait()
    print("all workers started")
    for p in procs:
        p.join()
