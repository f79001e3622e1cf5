# source: https://github.com/valhalla/valhalla/pull/3003
# models: request workers count failures in a module-level multiprocessing.Value that the main script prints at the end (the PR "moves the multiprocessing.Value into the master process, and passes in copies to the workers")
# expect: misbehaves-spawn: each spawned worker increments its own re-created Value; the parent's counter stays 0
import multiprocessing

FAILURES = multiprocessing.Value("i", 0)


def make_request(path):
    if path.endswith("bad"):
        with FAILURES.get_lock():
            FAILURES.value += 1
    return path


if __name__ == "__main__":
    paths = ["route", "route-bad", "locate", "locate-bad", "isochrone-bad"]
    procs = [multiprocessing.Process(target=make_request, args=(p,)) for p in paths]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("failures:", FAILURES.value)
