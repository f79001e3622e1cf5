# expect: none
# oracle-spawn: ok stdout "[(0, 'lower'), (1, 'lower'), (2, 'lower')]"
# oracle-fork: ok stdout "[(0, 'lower'), (1, 'lower'), (2, 'lower')]"
# Modelled on noxdafox/pebble#71 and the programming guidelines the maintainer
# points to: the command line sets a module setting, and the pool's
# initializer replays it in every worker before its tasks.
import sys

from pebble import ProcessPool

CASE_MODE = "keep"


def configure(case_mode):
    global CASE_MODE
    CASE_MODE = case_mode


def tokenize(index):
    return index, CASE_MODE


def main(argv):
    global CASE_MODE
    CASE_MODE = argv[1] if len(argv) > 1 else "lower"
    with ProcessPool(max_workers=2, initializer=configure, initargs=(CASE_MODE,)) as pool:
        print(list(pool.map(tokenize, range(3)).result()))


if __name__ == "__main__":
    main(sys.argv)
