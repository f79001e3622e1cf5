# source: https://github.com/blue-yonder/tsfresh/issues/559
# models: a feature extraction run turns RuntimeWarnings into errors (warnings.simplefilter("error", RuntimeWarning)) in the main block, and the feature calculators running in worker processes rely on it to skip degenerate series ("filtering of warnings during multiprocessing on Windows not working")
# expect: misbehaves-spawn: forked workers inherit the warnings filter and skip the degenerate series; spawned workers start with the default filters, so the warning is only printed and a value is returned
import multiprocessing
import warnings


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
    warnings.simplefilter("error", RuntimeWarning)
    data = [("ramp", [1, 2, 4, 7]), ("flat", [3, 3, 3, 3])]
    with multiprocessing.Pool(2) as pool:
        for name, value in pool.map(extract, data):
            print(name, value)
