# expect:
# oracle-spawn: ok stdout "scored 3 folds"
# oracle-fork: ok stdout "scored 3 folds"
"""Written from the joblib reports of users who get "UserWarning:
Multiprocessing-backed parallel loops cannot be nested, setting n_jobs=1"
from a scoring helper that a multiprocessing pool runs: joblib's
multiprocessing backend looks at `current_process().daemon` and runs the loop
in the pool worker itself, so nothing is started there and nothing fails."""
import multiprocessing
import warnings

from joblib import Parallel, delayed


def square(value):
    return value * value


def score_fold(fold):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        squares = Parallel(n_jobs=2, backend="multiprocessing")(
            delayed(square)(value) for value in range(fold, fold + 3)
        )
    return sum(squares)


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        scores = pool.map(score_fold, [1, 2, 3])
    print("scored", len(scores), "folds", scores)
