# expect: SPS101
# oracle-spawn: fails "An attempt has been made to start a new process"
# oracle-fork: ok stdout "[0, 1, 1, 2, 3, 5, 8, 13]"
# Modelled on noxdafox/pebble#40: the README's timeout example, run as a script on Windows.
from concurrent.futures import TimeoutError

from pebble import ProcessPool


def fibonacci(n):
    return n if n < 2 else fibonacci(n - 1) + fibonacci(n - 2)


with ProcessPool(max_workers=2) as pool:
    future = pool.map(fibonacci, range(8), timeout=10)
    try:
        print(list(future.result()))
    except TimeoutError:
        future.cancel()
