# source: https://github.com/numpy/numpy/issues/27814
# models: the main block seeds the global RNG (the report used np.random.seed(69)) and then starts workers that draw from the global generator; on Linux the output was the same every run, on macOS it changed
# expect: misbehaves-spawn: forked workers inherit the seeded state and reproduce the seeded draw; spawned workers seed from the OS, so the check fails
import multiprocessing
import random

SEED = 69


def draw(slot, out):
    out.put((slot, random.randint(0, 10 ** 9)))


if __name__ == "__main__":
    random.seed(SEED)
    expected = random.Random(SEED).randint(0, 10 ** 9)
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=draw, args=(i, out)) for i in range(3)]
    for p in procs:
        p.start()
    for slot, value in sorted(out.get(timeout=10) for _ in procs):
        print(slot, "reproducible" if value == expected else "differs")
    for p in procs:
        p.join()
