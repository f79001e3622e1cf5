# source: https://github.com/cognitedata/python-extractor-utils/pull/556
# models: the merged fix: CheckinWorker drops its two threading.RLock members in __getstate__ and recreates them in __setstate__; the runtime starts the extractor Process with the worker in its args
# expect: clean (the locks never reach the pickler, and the child gets fresh ones)
import multiprocessing
import threading


class CheckinWorker:
    def __init__(self, integration, interval):
        self.integration = integration
        self.interval = interval
        self._lock = threading.RLock()
        self._flush_lock = threading.RLock()
        self._errors = []

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_lock", None)
        state.pop("_flush_lock", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self._flush_lock = threading.RLock()

    def report_error(self, message):
        with self._lock:
            self._errors.append(message)

    def flush(self):
        with self._flush_lock:
            return "%s: %d errors" % (self.integration, len(self._errors))


def _extractor_process_entrypoint(checkin_worker, results):
    checkin_worker.report_error("connection refused")
    results.put(checkin_worker.flush())


class Runtime:
    def __init__(self, integration):
        self._checkin_worker = CheckinWorker(integration, interval=60)

    def _spawn_extractor(self):
        results = multiprocessing.Queue()
        process = multiprocessing.Process(target=_extractor_process_entrypoint, args=(self._checkin_worker, results))
        process.start()
        print(results.get(timeout=5))
        process.join()


if __name__ == "__main__":
    Runtime("opcua-extractor")._spawn_extractor()
