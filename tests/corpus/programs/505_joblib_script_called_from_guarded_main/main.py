# source: https://github.com/joblib/joblib/issues/331
# models: the maintainer's answer: put the work in a function and call it under __main__ in the importing script too (multi-file: tiles.py holds the Parallel call with the multiprocessing backend)
# expect: clean (the workers re-import main.py, which now only defines main())
import tiles

PATHS = ["north.tif", "south.tif", "east.tif", "west.tif"]


def main():
    for path, extent in tiles.run_all(PATHS):
        print(path, extent)


if __name__ == "__main__":
    main()
