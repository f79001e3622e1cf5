# oracle-spawn: fails "context has already been set"
# oracle-fork: fails "context has already been set"
"""Summarise the brightness of a batch of images in parallel.

This is the kind of script that works on Linux with Python <= 3.13 (fork) and
breaks on Windows, on macOS and on Linux with Python 3.14+ (spawn/forkserver).
Run `spawnsafe check examples/photo_stats` to see why.
"""
import argparse
import multiprocessing as mp

from stats import summarise_all

mp.set_start_method("spawn")

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--workers", type=int, default=2)
args = parser.parse_args()

images = [[[i, i + 1], [i + 2, i + 3]] for i in range(8)]
means = summarise_all(images, args.workers)

if __name__ == "__main__":

    def label(value):
        return f"brightness {value:.1f}"

    with mp.Pool(args.workers) as pool:
        print("labels:", pool.map(label, means))
        print("doubled:", pool.map(lambda value: value * 2, means))
