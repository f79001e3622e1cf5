# expect:
# oracle-spawn: ok stdout "[0.0, 0.96, 1.92, 2.88]"
# oracle-fork: ok stdout "[0.0, 0.96, 1.92, 2.88]"
# Modelled on econ-ark/HARK#377: the same lambdas on joblib's default loky
# backend, which pickles them by value with cloudpickle.
from joblib import Parallel, delayed

if __name__ == "__main__":
    shocks = [lambda a=a: a * 0.96 for a in range(4)]
    print(Parallel(n_jobs=2)(delayed(s)() for s in shocks))
