# expect: SPS201
# oracle-spawn: fails "Can't pickle"
# oracle-fork: ok stdout "[1, 4, 9]"
# Modelled on noxdafox/pebble#71: the pool's initializer is written inline as
# a lambda; pebble passes it to every worker in the Process arguments, which
# spawn pickles by name.
import logging

from pebble import ProcessPool


def square(x):
    return x * x


if __name__ == "__main__":
    with ProcessPool(max_workers=2, initializer=lambda: logging.basicConfig(level=logging.INFO)) as pool:
        future = pool.map(square, [1, 2, 3], timeout=10)
        print(list(future.result()))
