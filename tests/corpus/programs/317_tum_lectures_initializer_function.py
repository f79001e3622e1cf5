# source: https://github.com/Vuenc/TUM-Master-Informatics-Offered-Lectures/pull/14
# models: the merged fix: the initializer is a module-level function that makes workers ignore Ctrl-C
# expect: clean (a module-level initializer pickles by name and is found in the re-imported script)
import multiprocessing
import signal


def ignore_sigint():
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def fetch_lecture(module_id):
    return f"IN{module_id}: {module_id % 3 + 5} ECTS"


def main():
    modules = [2064, 2348, 2390, 2410]
    with multiprocessing.Pool(2, initializer=ignore_sigint) as pool:
        for line in pool.map(fetch_lecture, modules):
            print(line)


if __name__ == "__main__":
    main()
