# source: https://github.com/numpy/numpy/issues/27814
# models: the main block seeds the module's global generator (the report used np.random.seed(69); numpy's global state, like this module-level random.Random instance, is not reseeded after fork) and then starts workers that draw from it; on Linux the output was the same every run, on macOS it changed
# expect: misbehaves-spawn: forked workers inherit the seeded state and reproduce the seeded draw; spawned workers re-create the generator unseeded, so the check fails
import multiprocessing
import random

SEED = 69
RNG = random.Random()


def draw(slot, out):
    out.put((slot, RNG.randint(0, 10 ** 9)))


if __name__ == "__main__":
    RNG.seed(SEED)
    expected = random.Random(SEED).randint(0, 10 ** 9)
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=draw, args=(i, out)) for i in range(3)]
    for p in procs:
        p.start()
    for slot, value in sorted(out.get(timeout=10) for _ in procs):
        print(slot, "reproducible" if value == expected else "differs")
    for p in procs:
        p.join()
