# source: https://github.com/facebookresearch/spdl/pull/1565
# models: the merged fix of that test: instead of mutating the Process objects, it wraps each in a proxy that owns start() and delegates every other attribute to the real, untouched process through __getattr__
# expect: clean (only the real Process objects are pickled; the closures live in the proxies, which stay in the parent)
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


class _StartProxy:
    def __init__(self, proc, before_start):
        self._proc = proc
        self._before_start = before_start

    def start(self):
        self._before_start()
        self._proc.start()

    def __getattr__(self, name):
        return getattr(self._proc, name)


def test_worker_pool_cleans_up_on_partial_start_failure():
    pool = WorkerPool(3)
    started = []

    def make_hook(i):
        def before_start():
            if i == 2:
                raise OSError("simulated start failure")
            started.append(i)

        return before_start

    pool.procs = [_StartProxy(p, make_hook(i)) for i, p in enumerate(pool.procs)]
    try:
        pool.start()
    except OSError as e:
        print("start failed:", e)
    print("started before the failure:", started)
    print("alive after cleanup:", [p.is_alive() for p in pool.procs[:2]])


if __name__ == "__main__":
    test_worker_pool_cleans_up_on_partial_start_failure()
