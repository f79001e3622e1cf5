# source: https://github.com/starlinglab/integrity-backend/pull/70
# models: the server started its file watcher with `multiprocessing.Process(target=lambda: watch(path, handler))` (it happened to work on Debian; it broke server startup on macOS)
# expect: fails-spawn: a lambda Process target cannot be pickled under spawn -> PicklingError: Can't pickle <function <lambda>>
import multiprocessing


def watch(path, results):
    results.put(f"watching {path}")


if __name__ == "__main__":
    results = multiprocessing.Queue()
    watcher = multiprocessing.Process(target=lambda: watch("/data/inbox", results))
    watcher.start()
    print(results.get(timeout=10))
    watcher.join()
