# source: https://github.com/jina-ai/serve/pull/3851
# models: the alternative the docs PR recommends: instead of a nested function, the runtime passes functools.partial of a module-level function with its configuration as the Process target
# expect: clean (a partial of a module-level function pickles its function by name and its arguments by value)
import functools
import multiprocessing


def run(name, replicas, out):
    out.put((name, [f"{name}-{i}" for i in range(replicas)]))


class Flow:
    def __init__(self):
        self.executors = [("encoder", 2), ("indexer", 1)]

    def start(self):
        out = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=functools.partial(run, n, r), args=(out,)) for n, r in self.executors]
        for p in procs:
            p.start()
        result = dict(out.get(timeout=10) for _ in procs)
        for p in procs:
            p.join()
        return result


if __name__ == "__main__":
    print(Flow().start())
