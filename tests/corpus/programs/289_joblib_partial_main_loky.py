# source: https://github.com/joblib/joblib/pull/726
# models: the example of the PR: square() and `square2 = partial(square, ignored2='something')` defined in __main__, dispatched with Parallel(n_jobs=2) at module level, without the guard ("we do not need the safeguard when using the default loky backend (even on Windows)")
# expect: clean (loky workers do not re-import the main script; cloudpickle carries square and the partial by value)
from functools import partial

from joblib import Parallel, delayed


class Value:
    def __init__(self, value):
        self.value = value


def square(x, ignored=None, ignored2=None):
    return x.value ** 2


square2 = partial(square, ignored2="something")

print(Parallel(n_jobs=2)(delayed(square2)(Value(i)) for i in range(5)))
