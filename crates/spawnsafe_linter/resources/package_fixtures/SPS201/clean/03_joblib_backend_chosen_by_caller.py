# expect:
# oracle-spawn: ok stdout "loky [0, 1, 4, 9]"
# oracle-fork: ok stdout "loky [0, 1, 4, 9]"
"""Written from joblib's own test of lambdas in `delayed` (its backends are a
test parameter: None, "loky", "threading"): the backend reaches `Parallel`
through a parameter, and joblib's default and loky backends pickle the task
with cloudpickle, which sends a lambda by value. Only `backend="multiprocessing"`
uses the standard pickler, and nothing here says the caller chooses it."""
import sys

from joblib import Parallel, delayed


def squares(backend, count):
    return Parallel(n_jobs=2, backend=backend)(
        delayed(lambda x: x**2)(i) for i in range(count)
    )


if __name__ == "__main__":
    backend = sys.argv[1] if len(sys.argv) > 1 else "loky"
    print(backend, squares(backend, 4))
