# source: https://github.com/igmhub/picca/pull/429
# models: the script seeds the random module once in main() ("we set the seed to 0, then we split the data set and send the computation on different processors"); each pool worker rejects pairs at random
# expect: clean (the parent's seed reaches no worker under any start method: CPython's random module reseeds its global generator in every forked child, Lib/random.py register_at_fork(after_in_child=_inst.seed), and spawned children start fresh, so the counts vary from run to run under fork and spawn alike)
import multiprocessing
import random


def count_kept_pairs(pairs):
    kept = 0
    for _ in range(pairs):
        if random.random() > 0.5:
            kept += 1
    return kept


def main():
    random.seed(0)
    chunks = [200, 200, 200]
    with multiprocessing.Pool(3) as pool:
        kept = pool.map(count_kept_pairs, chunks, chunksize=1)
    print("kept pairs per chunk:", kept)


if __name__ == "__main__":
    main()
