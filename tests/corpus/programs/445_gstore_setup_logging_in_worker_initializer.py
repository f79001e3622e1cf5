# source: https://github.com/sergeyklay/gstore/pull/35
# models: the merged change: the CLI's main() parses the verbosity and sets up logging, and passes the same level to a setup_logging() initializer so each spawned sync worker configures its own logger
# expect: clean (the initializer configures logging in every worker from initargs)
import argparse
import logging
import multiprocessing

logger = logging.getLogger("gstore")


def setup_logging(level):
    logger.setLevel(level)
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


def sync_repo(repo):
    logger.info("syncing %s", repo)
    return repo, logging.getLevelName(logger.getEffectiveLevel())


def main():
    parser = argparse.ArgumentParser(prog="gstore")
    parser.add_argument("--verbose", action="store_true", default=True)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    level = logging.DEBUG if args.verbose else logging.WARNING
    setup_logging(level)
    with multiprocessing.Pool(args.jobs, initializer=setup_logging, initargs=(level,)) as pool:
        for repo, level_name in pool.map(sync_repo, ["gstore", "dotfiles", "blog"]):
            print(repo, level_name)


if __name__ == "__main__":
    main()
