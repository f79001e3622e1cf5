# source: https://github.com/noxdafox/pebble/issues/40
# models: the report's test code (pebble 4.3.10, Windows 10, Python 3.6): a ProcessPool used in a `with` block at module level, mapping fibonacci over a range with a timeout
# expect: fails-spawn: the pool's workers re-import the script, whose module-level `with ProcessPool()` schedules work again while bootstrapping (RuntimeError in every worker; the map never completes)
from concurrent.futures import TimeoutError

from pebble import ProcessPool


def fibonacci(n):
    if n == 0:
        return 0
    elif n == 1:
        return 1
    else:
        return fibonacci(n - 1) + fibonacci(n - 2)


with ProcessPool(max_workers=2) as pool:
    future = pool.map(fibonacci, range(12), timeout=10)

    try:
        for n in future.result():
            print(n)
    except TimeoutError:
        print("TimeoutError: aborting remaining computations")
        future.cancel()
