from pebble import ProcessPool

from config import Config


def function(n):
    return n, Config.some_var


def _apply_config(some_var):
    Config.some_var = some_var


def run_test():
    with ProcessPool(max_workers=2, initializer=_apply_config, initargs=(Config.some_var,)) as pool:
        future = pool.map(function, range(3), timeout=10)
        print(list(future.result()))
