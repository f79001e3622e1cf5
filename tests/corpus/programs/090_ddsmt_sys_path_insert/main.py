# source: https://github.com/ddsmt/ddSMT/pull/25
# models: the launcher manipulates sys.path (inserting its plugins directory) and then imports and runs plugin functions in a pool (multi-file: plugins/mutators.py)
# expect: clean (spawned children receive the parent's sys.path, so the plugin module imports in the workers)
import multiprocessing
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins"))

import mutators  # noqa: E402

if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(mutators.simplify, ["(and true x)", "(or false y)", "(not (not z))"]))
