# source: https://github.com/tensorflow/data-validation/issues/99
# models: statistics are generated per column with joblib (loky processes); a column check raises a project exception whose __init__ takes no arguments and passes a fixed message to Exception.__init__
# expect: fails-spawn: the exception travels back as cls(*args) = cls("...") and its __init__ takes no argument, so loky cannot un-serialize the result: BrokenProcessPool / TypeError (every start method)
from joblib import Parallel, delayed


class EmptyColumnError(Exception):
    def __init__(self):
        super().__init__("column has no values")


def column_stats(name, values):
    if not values:
        raise EmptyColumnError()
    return name, min(values), max(values)


def generate_statistics(frame, n_jobs=2):
    return Parallel(n_jobs=n_jobs)(
        delayed(column_stats)(name, values) for name, values in frame.items()
    )


if __name__ == "__main__":
    frame = {"age": [31, 45, 27], "income": []}
    for row in generate_statistics(frame):
        print(row)
