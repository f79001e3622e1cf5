# source: https://github.com/ungoogled-software/ungoogled-chromium/pull/3866
# models: the merged fix: main() builds the exclusion prefixes from the arguments and hands them to the worker with functools.partial instead of changing the module-level list
# expect: clean (the prefixes travel with every task, so spawned workers exclude the same files as forked ones)
import argparse
import functools
from multiprocessing import Pool

DOMAIN_EXCLUDE_PREFIXES = ("components/test/",)

SOURCE_FILES = [
    "chrome/browser/about.cc",
    ".pc/patch-1/chrome/browser/about.cc",
    "components/test/data/page.html",
    "net/base/url_util.cc",
]


def compute_lists_proc(path, exclude_prefixes):
    if any(path.startswith(prefix) for prefix in exclude_prefixes):
        return None
    return path


def compute_lists(source_files, exclude_prefixes, processes):
    worker = functools.partial(compute_lists_proc, exclude_prefixes=exclude_prefixes)
    with Pool(processes) as pool:
        results = pool.map(worker, source_files)
    return [path for path in results if path is not None]


def main():
    parser = argparse.ArgumentParser(description="Update the domain substitution list")
    parser.add_argument("--domain-exclude-prefix", action="append", default=[".pc/"])
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    prefixes = DOMAIN_EXCLUDE_PREFIXES + tuple(args.domain_exclude_prefix)
    for path in compute_lists(SOURCE_FILES, prefixes, args.processes):
        print("domain_substitution:", path)


if __name__ == "__main__":
    main()
