# source: https://github.com/thonny/thonny/issues/2544
# models: a number-crunching script defines its Job class under the main guard and passes Job instances to Process targets (the thread's "Can't get attribute" error, here from the guard rather than an IDE)
# expect: fails-spawn: instances of a class defined in the guard are pickled by reference to __main__.Job; the spawned child cannot find Job on __mp_main__ -> AttributeError
import multiprocessing


def execute(job, out):
    out.put(job.run())


if __name__ == "__main__":
    class Job:
        def __init__(self, n):
            self.n = n

        def run(self):
            return self.n, sum(i * i for i in range(self.n))

    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=execute, args=(Job(n), out)) for n in (10, 20)]
    for p in procs:
        p.start()
    print(sorted(out.get(timeout=10) for _ in procs))
    for p in procs:
        p.join()
