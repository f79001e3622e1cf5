# source: https://github.com/jina-ai/serve/pull/3851
# models: a flow runtime starts each executor in a multiprocessing.Process whose target is a closure built by a factory function (the docs PR warns that nested functions and lambdas are not picklable under spawn)
# expect: fails-spawn: the Process target is a nested function; spawn pickles it by qualified name -> AttributeError: Can't pickle local object 'make_runtime.<locals>.run'
import multiprocessing


def make_runtime(name, replicas):
    def run(out):
        out.put((name, [f"{name}-{i}" for i in range(replicas)]))
    return run


class Flow:
    def __init__(self):
        self.executors = [("encoder", 2), ("indexer", 1)]

    def start(self):
        out = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=make_runtime(n, r), args=(out,)) for n, r in self.executors]
        for p in procs:
            p.start()
        result = dict(out.get(timeout=10) for _ in procs)
        for p in procs:
            p.join()
        return result


if __name__ == "__main__":
    print(Flow().start())
