# source: https://github.com/square/bionic/pull/166
# models: a logging manager defines its SyncManager subclass inside __init__, registers a shared set type on it and starts it; pool workers record what they did in the shared set
# expect: fails-spawn: starting the manager pickles its server function, a classmethod of the local class, which pickles by qualified name: Can't pickle local class ExternalProcessLoggingManager.__init__.<locals>.ProcessManager
import multiprocessing
from multiprocessing.managers import SyncManager


class SynchronizedSet:
    def __init__(self):
        self._items = set()

    def add(self, item):
        self._items.add(item)

    def members(self):
        return sorted(self._items)


class ExternalProcessLoggingManager:
    def __init__(self):
        class ProcessManager(SyncManager):
            pass

        ProcessManager.register("SynchronizedSet", SynchronizedSet)
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
