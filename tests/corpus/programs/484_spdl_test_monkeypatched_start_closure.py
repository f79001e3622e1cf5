# source: https://github.com/facebookresearch/spdl/pull/1565
# models: a test checks that a worker pool cleans up when one of its processes fails to start; it monkeypatches each Process object's start() with a local closure that records the start and then calls the real start
# expect: fails-spawn: the real start() pickles the Process object for the child, and its instance dict now holds the local closure: PicklingError: Can't pickle local object
import multiprocessing as mp


def _worker_main(index, out_queue):
    out_queue.put(index * index)


class WorkerPool:
    def __init__(self, num_workers):
        self._queue = mp.Queue()
        self.procs = [
            mp.Process(target=_worker_main, args=(i, self._queue), daemon=True)
            for i in range(num_workers)
        ]

    def start(self):
        started = []
        try:
            for proc in self.procs:
                proc.start()
                started.append(proc)
        except Exception:
            for proc in started:
                proc.terminate()
                proc.join()
            raise


def test_worker_pool_cleans_up_on_partial_start_failure():
    pool = WorkerPool(3)
    started = []
    for i, proc in enumerate(pool.procs):
        real_start = proc.start

        def start(real_start=real_start, i=i):
            if i == 2:
                raise OSError("simulated start failure")
            started.append(i)
            real_start()

        proc.start = start

    try:
        pool.start()
    except OSError as e:
        print("start failed:", e)
    print("started before the failure:", started)
    print("alive after cleanup:", [p.is_alive() for p in pool.procs[:2]])


if __name__ == "__main__":
    test_worker_pool_cleans_up_on_partial_start_failure()
