# expect:
# oracle-spawn: ok stdout "[2, 3, 4]"
# pathos pickles with dill, which sends a lambda by value: guarded, it works
# under spawn (a pickle-based pool would fail on the lambda).
from pathos.pools import ProcessPool

if __name__ == "__main__":
    pool = ProcessPool(nodes=2)
    print(pool.map(lambda x: x + 1, [1, 2, 3]))
    pool.close()
    pool.join()
