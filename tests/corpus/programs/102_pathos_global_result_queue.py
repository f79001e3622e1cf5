# source: https://github.com/uqfoundation/pathos/issues/59
# models: "working with a global Queue": workers put their results on a module-level multiprocessing.Queue that the main program reads after starting them
# expect: fails-spawn: under spawn every child creates its own queue when it re-imports the module; nothing arrives on the parent's queue and get() blocks forever (hang)
import multiprocessing

RESULTS = multiprocessing.Queue()


def square(n):
    RESULTS.put((n, n * n))


if __name__ == "__main__":
    procs = [multiprocessing.Process(target=square, args=(n,)) for n in range(3)]
    for p in procs:
        p.start()
    print(sorted(RESULTS.get() for _ in procs))
    for p in procs:
        p.join()
