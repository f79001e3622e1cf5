import multiprocessing

def _load(i):
    return i * 10

# Warms a cache when imported: every spawn child that imports this module starts processes.
_pool = multiprocessing.Pool(2)
_CACHE = _pool.map(_load, range(3))
_pool.close()

def summary():
    return sum(_CACHE)
