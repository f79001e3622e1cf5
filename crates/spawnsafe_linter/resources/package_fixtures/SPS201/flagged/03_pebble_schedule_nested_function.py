# expect: SPS201
# oracle-spawn: fails "Can't pickle local object"
# oracle-fork: fails "Can't pickle local object"
# Modelled on noxdafox/pebble#146 ("ProcessPool hangs when pickling fails"):
# a nested function scheduled on a pebble pool; the pickling error becomes the
# future's exception (pebble 5.2.3).
from pebble import ProcessPool


def run_all(values):
    def job(v):
        return v * 10

    with ProcessPool(max_workers=2) as pool:
        futures = [pool.schedule(job, args=[v], timeout=5) for v in values]
        return [f.result() for f in futures]


if __name__ == "__main__":
    print(run_all([1, 2]))
