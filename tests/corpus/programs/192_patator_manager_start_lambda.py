# source: https://github.com/lanjelot/patator/issues/5
# models: the brute-forcer starts its SyncManager with `manager.start(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))` so the manager ignores Ctrl-C (Windows 7)
# expect: fails-spawn: the initializer is pickled for the spawned manager process -> PicklingError: Can't pickle <function <lambda>>
import multiprocessing.managers
import signal

if __name__ == "__main__":
    manager = multiprocessing.managers.SyncManager()
    manager.start(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    progress = manager.dict()
    progress["tried"] = 250
    print(dict(progress))
    manager.shutdown()
