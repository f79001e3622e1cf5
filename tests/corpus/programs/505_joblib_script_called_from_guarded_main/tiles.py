from joblib import Parallel, delayed


def tile_extent(path):
    # stands in for reading a raster tile's footprint
    x = sum(ord(c) for c in path) % 100
    return path, (x, x + 10)


def run_all(paths, n_jobs=2):
    return Parallel(n_jobs=n_jobs, backend="multiprocessing")(delayed(tile_extent)(p) for p in paths)


if __name__ == "__main__":
    print(run_all(["a.tif", "b.tif"]))
