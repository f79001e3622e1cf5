# source: https://github.com/watermarkhu/qsurface/issues/38
# models: a decoder simulation raises the recursion limit in its run function (deep union-find trees) and then runs decoding iterations in worker processes (RecursionError when run multiprocessed)
# expect: fails-spawn: sys.setrecursionlimit is process state set at run time; spawned workers keep the default limit of 1000 and the deep recursion raises RecursionError
import multiprocessing
import sys


def find_root(parent, node, depth=0):
    if parent[node] == node:
        return node, depth
    return find_root(parent, parent[node], depth + 1)


def decode(size):
    parent = list(range(size))
    for i in range(1, size):
        parent[i] = i - 1
    return find_root(parent, size - 1)


def run_multiprocess(sizes):
    sys.setrecursionlimit(10000)
    with multiprocessing.Pool(2) as pool:
        return pool.map(decode, sizes)


if __name__ == "__main__":
    print(run_multiprocess([500, 3000]))
