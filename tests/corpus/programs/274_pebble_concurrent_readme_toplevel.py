# source: https://github.com/noxdafox/pebble/issues/98
# models: running the README example as a script: a function decorated with `@concurrent.process(timeout=10)` is called at module level and its future's result printed
# expect: fails-spawn: calling the decorated function starts a process; under spawn it re-imports the script, which calls the function again while bootstrapping (RuntimeError)
from pebble import concurrent


@concurrent.process(timeout=10)
def function(foo, bar=0):
    return foo + bar


future = function(1, bar=2)
result = future.result()
print(result)
