# expect: SPS101
# oracle-spawn: fails "An attempt has been made to start a new process"
# oracle-fork: fails "An attempt has been made to start a new process"
# A user who read that fork is unsafe asks mpire for spawn, at the top of the script.
from mpire import WorkerPool


def tokenize(line):
    return len(line.split())


lines = ["a b c", "d e", "f"]
with WorkerPool(n_jobs=2, start_method="spawn") as pool:
    print(pool.map(tokenize, lines))
