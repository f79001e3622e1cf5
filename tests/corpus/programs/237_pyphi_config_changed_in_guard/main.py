# source: https://github.com/wmayner/pyphi/issues/38
# models: the library keeps a Config object at module level; the user changes config.PRECISION before a parallel computation, whose workers round with config.PRECISION (multi-file: pyphi_mini/config.py, pyphi_mini/compute.py)
# expect: misbehaves-spawn: "interactive changes to the configuration are not respected in subprocesses": spawned workers re-import the config with PRECISION 6, fork's inherit 2
import multiprocessing

from pyphi_mini import compute, config

if __name__ == "__main__":
    config.PRECISION = 2
    with multiprocessing.Pool(2) as pool:
        print(pool.map(compute.phi, [1 / 3, 2 / 7, 5 / 11]))
