# expect:
# oracle-spawn: ok stdout "[0, 1, 1, 2, 3, 5, 8, 13]"
# The fix from noxdafox/pebble#98: the pool is used under the main guard.
from pebble import ProcessPool


def fibonacci(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


if __name__ == "__main__":
    with ProcessPool(max_workers=2) as pool:
        print(list(pool.map(fibonacci, range(8)).result()))
