# oracle-spawn: ok stdout "labels: ['brightness 1.5'"
# oracle-fork: ok stdout "labels: ['brightness 1.5'"
# oracle-forkserver: ok stdout "labels: ['brightness 1.5'"
"""Summarise the brightness of a batch of images in parallel.

The spawn-safe version of ../photo_stats: the entry point runs only under the
main guard, and everything sent to the workers is a module-level function.
"""
import argparse
import multiprocessing as mp

from stats import summarise_all


def label(value):
    return f"brightness {value:.1f}"


def double(value):
    return value * 2


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    images = [[[i, i + 1], [i + 2, i + 3]] for i in range(8)]
    means = summarise_all(images, args.workers)
    with mp.Pool(args.workers) as pool:
        print("labels:", pool.map(label, means))
        print("doubled:", pool.map(double, means))


if __name__ == "__main__":
    mp.set_start_method("spawn")
    main()
