# expect: SPS201
# oracle-spawn: fails "PicklingError"
# oracle-fork: fails "PicklingError"
# Modelled on econ-ark/HARK#198 (fixed by #377, the move to loky): lambdas
# dispatched through joblib's multiprocessing backend, whose pool pickles
# tasks with the standard pickler.
from joblib import Parallel, delayed

if __name__ == "__main__":
    shocks = [lambda a=a: a * 0.96 for a in range(4)]
    print(Parallel(n_jobs=2, backend="multiprocessing")(delayed(s)() for s in shocks))
