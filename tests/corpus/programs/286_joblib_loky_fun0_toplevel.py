# source: https://github.com/joblib/joblib/issues/545
# models: the report's timing script: Parallel(n_jobs=2)(delayed(sqrt)(...)) and then a module-level helper fun0 dispatched the same way, all at module level with joblib's default backend (Windows 10)
# expect: clean (joblib's default loky backend starts workers that do not re-import the main script and carries fun0 by value with cloudpickle)
from math import sqrt

from joblib import Parallel, delayed


def fun0(i):
    from math import sqrt
    return sqrt(i)


print(Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(6)))
print(Parallel(n_jobs=2)(delayed(fun0)(i ** 2) for i in range(6)))
