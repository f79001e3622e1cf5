# source: https://github.com/lncrawl/lightnovel-crawler/issues/2774
# models: the console entry point calls the package's main(), which sets the spawn start method; a logging module the package imports created a multiprocessing Queue at import time
# expect: fails-spawn: creating the Queue fixed the default context, so set_start_method("spawn") raises RuntimeError: context has already been set (under fork too)
import sys

from lncrawl_lite import main

if __name__ == "__main__":
    sys.exit(main())
