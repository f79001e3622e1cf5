# source: https://github.com/joblib/joblib/issues/706
# models: a first test of joblib: `Parallel(n_jobs=4, verbose=0)(delayed(some_funtion)(p) for p in parameters)` at module level, no main guard, default (loky) backend
# expect: clean (loky starts its workers without re-running the main script and pickles the task with cloudpickle)
from joblib import Parallel, delayed


def some_funtion(p):
    return p * p


parameters = range(10)
print(Parallel(n_jobs=2)(delayed(some_funtion)(p) for p in parameters))
