# expect:
# oracle-spawn: ok stdout "[0.0, 1.0, 2.0, 3.0]"
# oracle-fork: ok stdout "[0.0, 1.0, 2.0, 3.0]"
# joblib's examples run Parallel at the top level of a script: the default
# backend is loky, whose workers do not re-import the main module.
from math import sqrt

from joblib import Parallel, delayed

print(Parallel(n_jobs=2)(delayed(sqrt)(i ** 2) for i in range(4)))
