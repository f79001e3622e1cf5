# source: https://github.com/flatironinstitute/bayes-kit/pull/8
# models: the thread's observation that a module-level generator seeded at import (`gen = np.random.default_rng(123)`, here random.Random(123)) gives every pool worker the same draw
# expect: clean (the generator is seeded at import time, so spawned and forked workers start from the same state and print the same values)
import multiprocessing
import random

gen = random.Random(123)


def f(_):
    return round(gen.random(), 6)


if __name__ == "__main__":
    with multiprocessing.Pool(2, maxtasksperchild=1) as p:
        x = p.map(f, list(range(4)), chunksize=1)
    print(x)
