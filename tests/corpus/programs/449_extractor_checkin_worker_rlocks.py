# source: https://github.com/cognitedata/python-extractor-utils/pull/556
# models: before the fix: the runtime starts the extractor Process with its CheckinWorker in the args, and the worker keeps two threading.RLock members created in __init__
# expect: fails-spawn: start() pickles the Process args and the worker's lock cannot be pickled (TypeError: cannot pickle '_thread.RLock' object)
import multiprocessing
import threading


class CheckinWorker:
    def __init__(self, integration, interval):
        self.integration = integration
        self.interval = interval
        self._lock = threading.RLock()
        self._flush_lock = threading.RLock()
        self._errors = []

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
