# source: https://github.com/lncrawl/lightnovel-crawler/issues/2850
# models: the CLI's main() calls multiprocessing.set_start_method("spawn"), but a module it imports already called it at import time (macOS, Python 3.14; multi-file: sources.py)
# expect: fails-spawn: the second set_start_method raises RuntimeError: context has already been set
import multiprocessing
import sys

import sources


def main():
    multiprocessing.set_start_method("spawn")
    with multiprocessing.Pool(2) as pool:
        print(pool.map(sources.fetch_toc, ["novel-a", "novel-b"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
