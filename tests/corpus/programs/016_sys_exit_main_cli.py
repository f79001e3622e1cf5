# source: https://github.com/lncrawl/lightnovel-crawler/issues/2850
# models: a crawler CLI with argparse whose entry point is `sys.exit(main())` under the main guard; chapters are downloaded with a process pool
# expect: clean (the guard protects main(); workers are module-level functions; children see the parent's sys.argv, which is fine)
import argparse
import multiprocessing
import sys


def download_chapter(number):
    return number, f"Chapter {number}: {'lorem ' * (number % 3 + 1)}".strip()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="crawler")
    parser.add_argument("--chapters", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    with multiprocessing.Pool(args.workers) as pool:
        for number, text in pool.imap(download_chapter, range(1, args.chapters + 1)):
            print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
