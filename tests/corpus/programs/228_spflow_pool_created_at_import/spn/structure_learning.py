import multiprocessing

cpus = 2
pool = multiprocessing.Pool(processes=cpus)


def _column_stats(column):
    return min(column), max(column)


def learn_parametric(data):
    columns = list(zip(*data))
    return pool.map(_column_stats, columns)
