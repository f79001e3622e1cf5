# expect: SPS101
# oracle-spawn: fails "An attempt has been made to start a new process"
# oracle-fork: ok stdout "[1, 2, 3]"
# joblib's multiprocessing backend is a multiprocessing.Pool underneath
# (joblib/pool.py): unlike the default loky backend, its spawned workers
# re-import the script, and this top-level call runs again in each of them.
from joblib import Parallel, delayed


def count_words(text):
    return len(text.split())


docs = ["one", "one two", "one two three"]
print(Parallel(n_jobs=2, backend="multiprocessing")(delayed(count_words)(d) for d in docs))
