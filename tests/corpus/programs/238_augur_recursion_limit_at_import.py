# source: https://github.com/nextstrain/augur/pull/307
# models: the recursion limit for large trees is raised at import time (module level, from an environment variable with a default); tree traversals then run in a Pool
# expect: clean (the module-level setrecursionlimit runs again in every spawned worker when it re-imports the script)
import multiprocessing
import os
import sys

sys.setrecursionlimit(int(os.environ.get("AUGUR_RECURSION_LIMIT", 10000)))


def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)


def traverse(size):
    return depth(size)


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(traverse, [3000, 4000]))
