import multiprocessing

_pool = None


def get_pool(processes=None):
    global _pool
    if _pool is None:
        _pool = multiprocessing.Pool(processes=processes or 2)
    return _pool


def close_pool():
    global _pool
    if _pool is not None:
        _pool.close()
        _pool.join()
        _pool = None


def _decode(name):
    return f"{name}: {len(name) * 128} bytes"


def extract(names):
    return get_pool().map(_decode, names)
