# source: https://github.com/python/cpython/issues/84112
# models: the bpo-39931 report: a module-level list is filled in the main block and pool workers read it ("Global variables are not accessible from child processes" on macOS, closed as not a bug)
# expect: misbehaves-spawn: the spawned workers see the import-time empty list, so every lookup reports 0 items
import multiprocessing

DATA = []


def count_items(prefix):
    return prefix, len([x for x in DATA if x.startswith(prefix)])


if __name__ == "__main__":
    DATA.extend(["apple", "avocado", "banana", "blueberry", "cherry"])
    with multiprocessing.Pool(2) as pool:
        for prefix, n in pool.map(count_items, ["a", "b", "c"]):
            print(prefix, n)
