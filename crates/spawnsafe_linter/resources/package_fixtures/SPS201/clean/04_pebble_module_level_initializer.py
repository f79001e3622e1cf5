# expect: none
# oracle-spawn: ok stdout "[1, 4, 9]"
# oracle-fork: ok stdout "[1, 4, 9]"
# The same pool with its initializer written as a module-level function, which
# pickles by its qualified name.
import logging

from pebble import ProcessPool


def setup_logging():
    logging.basicConfig(level=logging.INFO)


def square(x):
    return x * x


if __name__ == "__main__":
    with ProcessPool(max_workers=2, initializer=setup_logging) as pool:
        future = pool.map(square, [1, 2, 3], timeout=10)
        print(list(future.result()))
