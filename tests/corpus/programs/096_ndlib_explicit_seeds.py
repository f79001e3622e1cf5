# source: https://github.com/GiulioRossetti/ndlib/pull/168
# models: the fix for repeated simulations in workers: the parent draws one seed per run and passes it explicitly; each run builds its own random.Random(seed)
# expect: clean (the seeds cross the boundary as arguments)
import multiprocessing
import random


def simulate(args):
    run, seed = args
    rng = random.Random(seed)
    infected = sum(rng.random() < 0.3 for _ in range(100))
    return run, infected


if __name__ == "__main__":
    master = random.Random(42)
    runs = [(i, master.randrange(2 ** 32)) for i in range(4)]
    with multiprocessing.Pool(2) as pool:
        for run, infected in pool.map(simulate, runs):
            print(run, infected)
