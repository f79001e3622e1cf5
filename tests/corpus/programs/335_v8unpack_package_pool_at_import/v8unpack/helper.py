import multiprocessing


def get_pool(processes=None):
    return multiprocessing.Pool(processes=processes or 2)


def _decode(name):
    return f"{name}: {len(name) * 128} bytes"


_pool = get_pool()


def extract(names):
    return _pool.map(_decode, names)
