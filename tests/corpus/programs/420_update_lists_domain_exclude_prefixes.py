# source: https://github.com/ungoogled-software/ungoogled-chromium/pull/3866
# models: update_lists.py appends the --domain-exclude-prefix arguments to the module-level DOMAIN_EXCLUDE_PREFIXES list in main(), then computes the lists in a Pool whose worker compute_lists_proc() skips files under those prefixes
# expect: misbehaves-spawn: spawned workers re-import the script and see only the default prefixes, so files under .pc/ are listed for domain substitution
import argparse
from multiprocessing import Pool

DOMAIN_EXCLUDE_PREFIXES = ["components/test/"]

SOURCE_FILES = [
    "chrome/browser/about.cc",
    ".pc/patch-1/chrome/browser/about.cc",
    "components/test/data/page.html",
    "net/base/url_util.cc",
]


def compute_lists_proc(path):
    if any(path.startswith(prefix) for prefix in DOMAIN_EXCLUDE_PREFIXES):
        return None
    return path


def compute_lists(source_files, processes):
    with Pool(processes) as pool:
        results = pool.map(compute_lists_proc, source_files)
    return [path for path in results if path is not None]


def main():
    parser = argparse.ArgumentParser(description="Update the domain substitution list")
    parser.add_argument("--domain-exclude-prefix", action="append", default=[".pc/"])
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    DOMAIN_EXCLUDE_PREFIXES.extend(args.domain_exclude_prefix)
    for path in compute_lists(SOURCE_FILES, args.processes):
        print("domain_substitution:", path)


if __name__ == "__main__":
    main()
