# source: https://github.com/jruere/multiprocessing-logging/issues/9
# models: the report's working setup: the logging configuration is installed in every pool worker through the Pool initializer
# expect: clean (each worker configures its own logging when it starts)
import logging
import multiprocessing
import sys


def configure():
    logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(message)s", force=True)


def work(item):
    logging.getLogger("worker").info("processed %s", item)
    return item * 2


if __name__ == "__main__":
    configure()
    with multiprocessing.Pool(1, initializer=configure) as pool:
        print(pool.map(work, [1, 2, 3]))
