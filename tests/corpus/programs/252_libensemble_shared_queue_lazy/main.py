# source: https://github.com/Libensemble/libensemble/pull/1026
# models: the merged fix: tcp_mgr creates the shared Queue on the first get_shared() call instead of at import, so the user's set_start_method("spawn") in the main guard comes first (multi-file: libe/)
# expect: clean (nothing fixes the context before set_start_method)
from multiprocessing import set_start_method

import libe

if __name__ == "__main__":
    set_start_method("spawn")
    print(libe.run_ensemble(4))
