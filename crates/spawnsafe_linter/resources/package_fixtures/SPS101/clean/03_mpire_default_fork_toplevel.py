# expect:
# oracle-spawn: ok stdout "[3, 2, 1]"
# oracle-fork: ok stdout "[3, 2, 1]"
# mpire uses fork wherever it exists (mpire/context.py), whatever the default
# start method is: on Linux and macOS this script works (on Windows it would not).
from mpire import WorkerPool


def tokenize(line):
    return len(line.split())


with WorkerPool(n_jobs=2) as pool:
    print(pool.map(tokenize, ["a b c", "d e", "f"]))
