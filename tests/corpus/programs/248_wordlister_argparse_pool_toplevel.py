# source: https://github.com/4n4nk3/Wordlister/issues/15
# models: a wordlist generator script: argparse at module level, helper functions, then `slice_and_run(my_iterator)` called at the bottom of the file, which maps over a multiprocessing.Pool(args.cores)
# expect: fails-spawn: every spawned worker re-imports the script, parses the arguments again and calls slice_and_run -> RuntimeError (bootstrapping phase) in each worker; the parent's pool keeps replacing them (hang)
import argparse
import itertools
from multiprocessing import Pool

parser = argparse.ArgumentParser(description="A wordlist generator")
parser.add_argument("--cores", type=int, default=2)
parser.add_argument("--min", type=int, default=1)
parser.add_argument("--max", type=int, default=2)
args = parser.parse_args()

words = ["admin", "2024"]


def combine(perm):
    return "".join(perm)


def slice_and_run(single_iterator):
    with Pool(args.cores) as pool:
        results = pool.map(combine, single_iterator)
    print(len(results), sorted(results)[:3])


my_iterator = itertools.chain.from_iterable(
    itertools.permutations(words, n) for n in range(args.min, args.max + 1)
)
slice_and_run(my_iterator)
