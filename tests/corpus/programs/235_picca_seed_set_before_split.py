# source: https://github.com/igmhub/picca/pull/429
# models: the script seeds the random module once in main() ("we set the seed to 0, then we split the data set and send the computation on different processors"); each pool worker rejects pairs at random
# expect: misbehaves-spawn: under fork every worker inherits the seeded state (the same, reproducible rejections); spawned workers start from fresh OS-seeded states, so the counts differ from fork's
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
