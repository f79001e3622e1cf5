# source: https://github.com/noxdafox/pebble/issues/146
# models: the report's repro: a TestProcessor keeps `self._my_lambda = lambda: 10` and submits self.task_runner to a pebble ProcessPool (macOS, Python 3.10: "ProcessPool hangs when pickling fails")
# expect: fails-spawn: the bound method pickles the instance and its lambda; the pickling error is raised inside pebble and the future is never resolved (error or hang, every start method)
from pebble import ProcessPool


class TestProcessor:
    def __init__(self):
        self._my_lambda = lambda: 10

    def task_runner(self, task):
        return f"data: {task}"

    def process_via_pebble(self):
        with ProcessPool(max_workers=2) as pool:
            futures = [pool.schedule(self.task_runner, args=[t], timeout=5) for t in ("task1", "task2")]
            return [f.result() for f in futures]


if __name__ == "__main__":
    print(TestProcessor().process_via_pebble())
