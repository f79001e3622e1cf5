# source: https://github.com/slipguru/adenine/issues/2
# models: a pipeline configures logging to a file with filemode="w" at module level and logs from the main process around a pool run ("logging files incomplete on Windows")
# expect: misbehaves-spawn: every spawned worker re-runs basicConfig(filemode="w") when it imports the script and truncates the log the parent already wrote
import logging
import multiprocessing

LOG = "adenine.log"
logging.basicConfig(filename=LOG, filemode="w", level=logging.INFO, format="%(message)s")


def fit_step(step):
    return step, step * step


if __name__ == "__main__":
    logging.info("pipeline started")
    with multiprocessing.Pool(2) as pool:
        results = pool.map(fit_step, range(3))
    logging.info("results %s", results)
    logging.shutdown()
    with open(LOG) as f:
        print(f.read().strip())
