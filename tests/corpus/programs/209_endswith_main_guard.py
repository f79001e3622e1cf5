# source: https://github.com/scalableminds/webknossos-libs/pull/598
# models: a cluster-tools script tests `if __name__.endswith("__main__"):` as its entry check (the PR adds a warning when the main guard is missing)
# expect: clean (the children import the script as "__mp_main__", which does not end with "__main__" (its last eight characters are "p_main__"), so the block is skipped there)
import multiprocessing


def downsample(mag):
    return mag, 2 ** mag


if __name__.endswith("__main__"):
    with multiprocessing.Pool(2) as pool:
        print(pool.map(downsample, range(4)))
