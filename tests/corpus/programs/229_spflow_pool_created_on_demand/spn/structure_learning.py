import multiprocessing

cpus = 2
_pool = None


def get_pool():
    global _pool
    if _pool is None:
        _pool = multiprocessing.Pool(processes=cpus)
    return _pool


def _column_stats(column):
    return min(column), max(column)


def learn_parametric(data):
    columns = list(zip(*data))
    return get_pool().map(_column_stats, columns)
