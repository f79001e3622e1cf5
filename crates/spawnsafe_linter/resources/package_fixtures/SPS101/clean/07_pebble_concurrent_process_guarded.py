# expect:
# oracle-spawn: ok stdout "6"
# oracle-fork: ok stdout "6"
# Modelled on noxdafox/pebble#98, the maintainer's answer: the call under the
# guard; pebble finds the decorated module-level function by name in the
# re-imported script.
from pebble import concurrent


@concurrent.process(timeout=10)
def add(foo, bar=0):
    return foo + bar


if __name__ == "__main__":
    print(add(1, bar=5).result())
