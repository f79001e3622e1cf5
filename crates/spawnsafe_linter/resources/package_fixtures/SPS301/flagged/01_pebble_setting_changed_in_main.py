# expect: SPS301
# oracle-spawn: ok stdout "[(0, 'keep'), (1, 'keep'), (2, 'keep')]"
# oracle-fork: ok stdout "[(0, 'lower'), (1, 'lower'), (2, 'lower')]"
# Modelled on noxdafox/pebble#71: the command line sets a module setting that
# the pool's tasks read; the pool has an initializer, but it only names the
# workers' log prefix, so spawned workers still see the import-time setting.
import sys

from pebble import ProcessPool

CASE_MODE = "keep"
PREFIX = ""


def name_worker(prefix):
    global PREFIX
    PREFIX = prefix


def tokenize(index):
    return index, CASE_MODE


def main(argv):
    global CASE_MODE
    CASE_MODE = argv[1] if len(argv) > 1 else "lower"
    with ProcessPool(max_workers=2, initializer=name_worker, initargs=("tok",)) as pool:
        print(list(pool.map(tokenize, range(3)).result()))


if __name__ == "__main__":
    main(sys.argv)
