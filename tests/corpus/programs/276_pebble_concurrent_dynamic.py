# source: https://github.com/noxdafox/pebble/issues/80
# models: "pebble.concurrent.process can not be used dynamically": a helper applies `concurrent.process(timeout=...)` to a function at run time, inside a function called from the guard, and calls the result (macOS)
# expect: clean (corrected from CPython: pebble sends the wrapped module-level function by its name, which the spawned child finds in the re-imported script; a function applied at run time is no longer a problem there)
from pebble import concurrent


def crunch(n):
    return sum(i * i for i in range(n))


def run_with_timeout(func, timeout, *args):
    wrapped = concurrent.process(timeout=timeout)(func)
    return wrapped(*args).result()


if __name__ == "__main__":
    print(run_with_timeout(crunch, 5, 1000))
