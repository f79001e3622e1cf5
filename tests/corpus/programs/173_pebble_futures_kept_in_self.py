# source: https://github.com/noxdafox/pebble/issues/60
# models: the "user error pattern" of the report: a Tester keeps its futures in self.futures and schedules its own bound method self.run_one on a pebble ProcessPool, so the second task pickles an instance that holds a future
# expect: fails-spawn: pickling the bound method pickles self.futures, whose ProcessFuture holds a threading.Condition -> TypeError: cannot pickle '_thread.RLock' object (every start method)
from pebble import ProcessPool


class Tester:
    def __init__(self):
        self.futures = []

    def run_one(self, v):
        return v * 10

    def run(self, rounds=2):
        results = []
        with ProcessPool(max_workers=2) as pool:
            for v in range(rounds):
                f = pool.schedule(self.run_one, [v])
                self.futures.append(f)
                results.append(f.result())
        return results


if __name__ == "__main__":
    print(Tester().run())
