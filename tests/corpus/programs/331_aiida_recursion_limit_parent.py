# source: https://github.com/aiidateam/aiida-core/pull/6044
# models: the daemon raises sys.setrecursionlimit in its start-up code before handing deeply nested provenance graphs to pool workers that walk them recursively
# expect: fails-spawn: spawned workers start with the default limit of 1000 and raise RecursionError on the 1500-deep graph (fork copies the raised limit)
import sys
from multiprocessing import Pool


def build_graph(depth):
    node = {"label": "leaf", "child": None}
    for i in range(depth):
        node = {"label": f"calc{i}", "child": None}
    return depth


def walk(depth):
    if depth == 0:
        return 0
    return 1 + walk(depth - 1)


def count_nodes(depth):
    return walk(depth)


class DaemonRunner:
    def __init__(self, recursion_limit):
        self.recursion_limit = recursion_limit

    def start(self, depths):
        sys.setrecursionlimit(self.recursion_limit)
        with Pool(2) as pool:
            return pool.map(count_nodes, depths)


if __name__ == "__main__":
    print(DaemonRunner(3000).start([build_graph(1500), 10]))
