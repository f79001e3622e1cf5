# source: https://github.com/noxdafox/pebble/issues/80
# models: "pebble.concurrent.process can not be used dynamically": a function is decorated at run time inside another function, `concurrent.process(timeout=5)(compute)`, and called (macOS)
# expect: clean (the pinned pebble registers functions decorated at run time so that spawned children can find them; the report's failure was fixed in the library)
from pebble import concurrent


def compute(x):
    return x ** 2


def run_with_timeout(values):
    task = concurrent.process(timeout=5)(compute)
    return [task(v).result() for v in values]


if __name__ == "__main__":
    print(run_with_timeout([2, 3]))
