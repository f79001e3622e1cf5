# source: https://github.com/Ericsson/codechecker/issues/2996
# models: shared progress state wrapped in manager proxy objects before being passed to pool workers through map_async, as the issue prescribes
# expect: clean (a Manager().Queue() proxy pickles: it reconnects to the manager process in the worker)
import multiprocessing


def analyze(args):
    source, progress = args
    progress.put(source)
    return source, source.count("/") + 1


if __name__ == "__main__":
    with multiprocessing.Manager() as manager:
        progress = manager.Queue()
        sources = ["src/a.c", "src/lib/b.c", "main.c"]
        with multiprocessing.Pool(2) as pool:
            results = pool.map_async(analyze, [(s, progress) for s in sources]).get(timeout=10)
        print(sorted(results), progress.qsize())
