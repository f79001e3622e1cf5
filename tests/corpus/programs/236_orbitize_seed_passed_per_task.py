# source: https://github.com/sblunt/orbitize/pull/140
# models: the fix: the parent draws one seed per child process and passes it with the task; each worker seeds its own random.Random from it
# expect: clean (the workers' random streams come only from their arguments, the same under every start method)
import multiprocessing
import random


def sample_orbits(args):
    seed, num_samples = args
    rng = random.Random(seed)
    return round(sum(rng.random() for _ in range(num_samples)), 6)


if __name__ == "__main__":
    random.seed(42)
    seeds = [random.randrange(2**32) for _ in range(3)]
    with multiprocessing.Pool(3) as pool:
        print(pool.map(sample_orbits, [(s, 100) for s in seeds]))
