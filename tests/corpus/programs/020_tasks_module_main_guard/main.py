# source: https://github.com/pytorch/pytorch/issues/2341
# models: following the advice in the thread, the user moved the worker code into an importable module and kept only the guarded driver in the script (multi-file: tasks.py)
# expect: clean (workers live in an importable module; the driver is guarded)
from multiprocessing import Pool

import tasks

if __name__ == "__main__":
    with Pool(2) as pool:
        totals = pool.map(tasks.load_shard, range(4))
    print("samples per shard:", totals)
