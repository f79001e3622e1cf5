# source: https://github.com/noxdafox/pebble/issues/40
# models: the answer to the report: pebble has multiprocessing's limitations on Windows, so the module-level pool goes under `if __name__ == "__main__":`
# expect: clean (the workers re-import the script, which only defines fibonacci)
from concurrent.futures import TimeoutError

from pebble import ProcessPool


def fibonacci(n):
    if n == 0:
        return 0
    elif n == 1:
        return 1
    else:
        return fibonacci(n - 1) + fibonacci(n - 2)


if __name__ == "__main__":
    with ProcessPool(max_workers=2) as pool:
        future = pool.map(fibonacci, range(12), timeout=10)

        try:
            for n in future.result():
                print(n)
        except TimeoutError:
            print("TimeoutError: aborting remaining computations")
            future.cancel()
