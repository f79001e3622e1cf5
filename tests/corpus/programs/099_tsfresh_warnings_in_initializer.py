# source: https://github.com/blue-yonder/tsfresh/pull/610
# models: the merged fix: the state of the warnings module is initialised in every worker (a Pool initializer applies the same filter)
# expect: clean (each worker installs the filter itself)
import multiprocessing
import warnings


def init_warnings():
    warnings.simplefilter("error", RuntimeWarning)


def mean_change(series):
    if len(set(series)) == 1:
        warnings.warn("constant series", RuntimeWarning)
    return sum(b - a for a, b in zip(series, series[1:])) / (len(series) - 1)


def extract(args):
    name, series = args
    try:
        return name, mean_change(series)
    except RuntimeWarning:
        return name, "skipped"


if __name__ == "__main__":
    init_warnings()
    data = [("ramp", [1, 2, 4, 7]), ("flat", [3, 3, 3, 3])]
    with multiprocessing.Pool(2, initializer=init_warnings) as pool:
        for name, value in pool.map(extract, data):
            print(name, value)
