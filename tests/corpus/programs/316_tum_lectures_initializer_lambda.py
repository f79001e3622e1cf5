# source: https://github.com/Vuenc/TUM-Master-Informatics-Offered-Lectures/pull/14
# models: the scraper's main() creates a Pool whose initializer is a lambda that makes workers ignore Ctrl-C, then maps the course pages
# expect: fails-spawn: under spawn the initializer is pickled with each worker's Process object: "Can't pickle local object 'main.<locals>.<lambda>'"; the pool keeps failing to start workers (fork never pickles it)
import multiprocessing
import signal


def fetch_lecture(module_id):
    return f"IN{module_id}: {module_id % 3 + 5} ECTS"


def main():
    modules = [2064, 2348, 2390, 2410]
    with multiprocessing.Pool(2, initializer=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) as pool:
        for line in pool.map(fetch_lecture, modules):
            print(line)


if __name__ == "__main__":
    main()
