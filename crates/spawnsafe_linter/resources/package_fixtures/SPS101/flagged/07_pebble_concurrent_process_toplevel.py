# expect: SPS101
# oracle-spawn: fails "An attempt has been made to start a new process"
# oracle-fork: ok stdout "6"
# Modelled on noxdafox/pebble#98: the README's @concurrent.process example run
# as a script, the decorated function called at module level.
from pebble import concurrent


@concurrent.process(timeout=10)
def add(foo, bar=0):
    return foo + bar


future = add(1, bar=5)
print(future.result())
