# source: https://github.com/Preston-Landers/concurrent-log-handler/issues/24
# models: a class keeps the rotating log handler it configured in self and its method is submitted to a ProcessPoolExecutor (worked on macOS with fork, failed on Windows)
# expect: fails-spawn: the bound method pickles the instance and its logging handler, which holds an RLock -> TypeError: cannot pickle '_thread.RLock' object
import logging
import sys
from concurrent.futures import ProcessPoolExecutor


class Foo:
    def __init__(self, name):
        self.name = name
        self.handler = logging.StreamHandler(sys.stdout)
        self.handler.setFormatter(logging.Formatter("%(message)s"))

    def func(self):
        return f"{self.name}: logthis"


if __name__ == "__main__":
    c1, c2 = Foo("c1"), Foo("c2")
    with ProcessPoolExecutor(max_workers=2) as executor:
        futures = [executor.submit(c1.func), executor.submit(c2.func)]
        print([f.result() for f in futures])
