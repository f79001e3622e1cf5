import os
from concurrent.futures import ProcessPoolExecutor


def _extract_one(path):
    name = os.path.basename(path)
    return name, [name.split(".")[0], "imports", "os"]


def _extract_sequential(paths):
    return dict(_extract_one(p) for p in paths)


def _extract_parallel(paths, max_workers):
    with ProcessPoolExecutor(max_workers=max_workers) as pool:
        return dict(pool.map(_extract_one, paths))


def extract(paths, parallel=True, max_workers=2):
    if not parallel or len(paths) < 2:
        return _extract_sequential(paths)
    return _extract_parallel(paths, max_workers)
