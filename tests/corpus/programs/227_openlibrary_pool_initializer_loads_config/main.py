# source: https://github.com/internetarchive/openlibrary/pull/12900
# models: the merged fix: the Pool gets initializer=_init_worker with the config file as initargs, so every worker loads the config itself (multi-file: webconfig.py, importer.py)
# expect: clean (each worker runs load_config before its first task)
import argparse
import multiprocessing
import os
import tempfile

import webconfig
from importer import do_import


def _init_worker(configfile):
    webconfig.load_config(configfile)


def import_all(configfile):
    with multiprocessing.Pool(processes=2, initializer=_init_worker, initargs=(configfile,)) as pool:
        print(pool.map(do_import, ["ia:book1", "ia:book2", "ia:book3"]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=os.path.join(tempfile.gettempdir(), "openlibrary-fixed.yml"))
    args = parser.parse_args()
    with open(args.config, "w") as f:
        f.write("db_parameters=user:openlibrary\n")
    webconfig.load_config(args.config)
    import_all(args.config)


if __name__ == "__main__":
    main()
