# source: https://github.com/noxdafox/pebble/issues/98
# models: the maintainer's answer: the README example with the call moved under `if __name__ == '__main__':`
# expect: clean (pebble registers the decorated module-level function so the spawned child finds it by name)
from pebble import concurrent


@concurrent.process(timeout=10)
def function(foo, bar=0):
    return foo + bar


if __name__ == "__main__":
    future = function(1, bar=2)
    result = future.result()
    print(result)
