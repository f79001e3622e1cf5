# source: https://github.com/square/bionic/pull/166
# models: the merged fix: the SyncManager subclass becomes a module-level class, registered once at import, and the logging manager only instantiates and starts it
# expect: clean (ProcessManager._run_server pickles by name and the class is found when the manager's process imports the module)
import multiprocessing
from multiprocessing.managers import SyncManager


class SynchronizedSet:
    def __init__(self):
        self._items = set()

    def add(self, item):
        self._items.add(item)

    def members(self):
        return sorted(self._items)


class ProcessManager(SyncManager):
    pass


ProcessManager.register("SynchronizedSet", SynchronizedSet)


class ExternalProcessLoggingManager:
    def __init__(self):
        self._manager = ProcessManager()
        self._manager.start()
        self.seen = self._manager.SynchronizedSet()

    def shutdown(self):
        self._manager.shutdown()


def compute(args):
    seen, key = args
    seen.add("task-%d" % key)
    return key * key


if __name__ == "__main__":
    logging_manager = ExternalProcessLoggingManager()
    with multiprocessing.Pool(2) as pool:
        print(pool.map(compute, [(logging_manager.seen, k) for k in range(4)]))
    print(logging_manager.seen.members())
    logging_manager.shutdown()
