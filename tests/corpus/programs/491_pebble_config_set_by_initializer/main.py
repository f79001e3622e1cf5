# source: https://github.com/noxdafox/pebble/issues/71
# models: the way the maintainer's pointer to the programming guidelines is usually applied: the pool's initializer sets the flag in every worker from the value the parent has when it creates the pool
# expect: clean (each worker runs _apply_config(True) before its tasks, so it prints what fork prints)
from config import Config
from pebble_test import run_test

if __name__ == "__main__":
    Config.some_var = True
    run_test()
