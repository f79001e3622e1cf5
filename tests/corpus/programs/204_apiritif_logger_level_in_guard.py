# source: https://github.com/Blazemeter/apiritif/pull/6
# models: the load generator configures its module logger's handler at import but raises the level to DEBUG only in the main block; workers log "Adding worker" at DEBUG (the results were empty on Windows because the workers' logging did not match the parent's)
# expect: misbehaves-spawn: the level set in the guard is not applied in spawned workers, so their DEBUG lines are missing from the output
import logging
import multiprocessing
import sys

log = logging.getLogger("apiritif")
handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(logging.Formatter("%(message)s"))
log.addHandler(handler)


def spawn_worker(index):
    log.debug("Adding worker %d", index)
    return index


if __name__ == "__main__":
    log.setLevel(logging.DEBUG)
    with multiprocessing.Pool(1) as pool:
        workers = pool.map(spawn_worker, range(3))
    log.debug("workers started: %s", workers)
