# source: https://github.com/internetarchive/openlibrary/pull/12900
# models: manage-imports loads web.config from the config file in main(), then a multiprocessing.Pool imports items; the worker reads the DB credentials from the config module (multi-file: webconfig.py, importer.py)
# expect: fails-spawn: config is filled in the parent at run time; spawned workers re-import webconfig with an empty config -> KeyError: 'db_parameters' in every task
import argparse
import multiprocessing
import os
import tempfile

import webconfig
from importer import do_import


def import_all(args):
    with multiprocessing.Pool(processes=2) as pool:
        print(pool.map(do_import, ["ia:book1", "ia:book2", "ia:book3"]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default=os.path.join(tempfile.gettempdir(), "openlibrary.yml"))
    args = parser.parse_args()
    with open(args.config, "w") as f:
        f.write("db_parameters=user:openlibrary\n")
    webconfig.load_config(args.config)
    import_all(args)


if __name__ == "__main__":
    main()
