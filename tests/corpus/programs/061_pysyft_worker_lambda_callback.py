# source: https://github.com/OpenMined/PySyft/pull/6910
# models: a domain worker is a Process subclass that stores an on_done callback given as a lambda by the caller (the PR pinned fork on macOS/Windows to keep such objects working)
# expect: fails-spawn: the Process subclass instance is pickled at start() under spawn, with its lambda attribute -> PicklingError: Can't pickle <function <lambda>>
import multiprocessing


class ApplyToDomain(multiprocessing.Process):
    def __init__(self, requests, results, on_done):
        super().__init__()
        self.requests = requests
        self.results = results
        self.on_done = on_done

    def run(self):
        self.results.put(self.on_done([r.upper() for r in self.requests]))


if __name__ == "__main__":
    results = multiprocessing.Queue()
    worker = ApplyToDomain(["approve", "deny"], results, on_done=lambda out: {"processed": out})
    worker.start()
    print(results.get(timeout=10))
    worker.join()
