# source: https://github.com/starlinglab/integrity-backend/pull/70
# models: the merged fix: the target is the module-level watch function and its arguments go in args=(...)
# expect: clean (module-level target, picklable arguments)
import multiprocessing


def watch(path, results):
    results.put(f"watching {path}")


if __name__ == "__main__":
    results = multiprocessing.Queue()
    watcher = multiprocessing.Process(target=watch, args=("/data/inbox", results))
    watcher.start()
    print(results.get(timeout=10))
    watcher.join()
