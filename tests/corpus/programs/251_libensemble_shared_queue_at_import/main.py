# source: https://github.com/Libensemble/libensemble/pull/1026
# models: the user imports the package at top level and calls set_start_method("spawn") in the main guard; the package's tcp_mgr module creates a "shared" multiprocessing.Queue at import (multi-file: libe/__init__.py, libe/tcp_mgr.py)
# expect: fails-spawn: creating the Queue at import fixed the default context, so set_start_method("spawn") raises RuntimeError: context has already been set (every start method)
from multiprocessing import set_start_method

import libe

if __name__ == "__main__":
    set_start_method("spawn")
    print(libe.run_ensemble(4))
