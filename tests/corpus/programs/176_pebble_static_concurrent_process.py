# source: https://github.com/noxdafox/pebble/issues/80
# models: the supported form from the maintainer's explanation: @concurrent.process(timeout=5) applied at module level, the decorated function called under the guard
# expect: clean (pebble registers module-level decorated functions so spawned children can find the original)
from pebble import concurrent


@concurrent.process(timeout=5)
def compute(x):
    return x ** 2


if __name__ == "__main__":
    print([compute(v).result() for v in (2, 3)])
