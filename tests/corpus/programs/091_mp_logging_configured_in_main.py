# source: https://github.com/jruere/multiprocessing-logging/issues/37
# models: logging is configured (format, stream=stdout) inside main() before a child process logs a warning; expected "[WARNING] Thread", got a bare "Thread" on Windows
# expect: misbehaves-spawn: the spawned child re-imports the script without running main(), so its root logger has no handler: the record goes to logging's last-resort stderr handler and the formatted line is missing from stdout
import logging
import multiprocessing
import sys


def thread_test():
    logging.getLogger().warning("Thread")


def main():
    logging.basicConfig(stream=sys.stdout, format="[%(levelname)s] %(message)s")
    logging.getLogger().warning("Main")
    p = multiprocessing.Process(target=thread_test)
    p.start()
    p.join()


if __name__ == "__main__":
    main()
