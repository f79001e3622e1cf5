# source: https://github.com/noxdafox/pebble/issues/71
# models: main.py flips a flag on a shared Config class (config.py) and then calls run_test() from another module, whose pebble ProcessPool maps a function that reads the flag
# expect: misbehaves-spawn: spawned pool workers import config.py afresh and see Config.some_var == False; under fork they inherit True
from config import Config
from pebble_test import run_test

if __name__ == "__main__":
    Config.some_var = True
    run_test()
