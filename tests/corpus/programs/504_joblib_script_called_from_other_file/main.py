# source: https://github.com/joblib/joblib/issues/331
# models: the parallel step works as a standalone script guarded by __main__; another script imports it and calls its function at module level (multi-file: tiles.py holds the Parallel call with the multiprocessing backend)
# expect: fails-spawn: the multiprocessing backend's workers re-import main.py, which calls run_all() again while bootstrapping
import tiles

PATHS = ["north.tif", "south.tif", "east.tif", "west.tif"]

extents = tiles.run_all(PATHS)
for path, extent in extents:
    print(path, extent)
