# source: https://github.com/pymc-devs/pymc/pull/3919
# models: the sampling library picks its own context with multiprocessing.get_context("forkserver") when it is imported; the user's script sets the start method to spawn in its guard afterwards and samples
# expect: clean (get_context(method) returns a concrete context without fixing the default one, so the script's own set_start_method still succeeds)
import multiprocessing

import pymc_lite


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    print(pymc_lite.sample(draws=3, chains=2))
