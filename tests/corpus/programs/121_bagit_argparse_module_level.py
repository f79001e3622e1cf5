# source: https://github.com/LibraryOfCongress/bagit-python/issues/79
# models: a bagging CLI parses its arguments (--processes) at module level and computes checksums in a Pool created under the guard
# expect: clean (spawned children re-run the module-level parse_args on the parent's sys.argv, which succeeds and has no side effects)
import argparse
import hashlib
import multiprocessing

parser = argparse.ArgumentParser(description="validate a bag")
parser.add_argument("--processes", type=int, default=2)
parser.add_argument("--algorithm", default="sha256")
args = parser.parse_args()


def checksum(name):
    return name, hashlib.new(args.algorithm, name.encode()).hexdigest()[:10]


if __name__ == "__main__":
    with multiprocessing.Pool(args.processes) as pool:
        for name, digest in pool.map(checksum, ["data/a.txt", "data/b.txt"]):
            print(name, digest)
