import multiprocessing


def _sim(x):
    return x * x


def run_ensemble(n):
    with multiprocessing.Pool(2) as pool:
        return pool.map(_sim, range(n))
