# source: https://github.com/tqdm/tqdm/issues/1409
# models: a candidate-counting script calls `values = process_map(count, candidates, max_workers=8, desc="Candidates")` at module level (Windows)
# expect: fails-spawn: process_map starts a ProcessPoolExecutor while the main module is imported; the workers re-run the script while bootstrapping -> BrokenProcessPool
from tqdm.contrib.concurrent import process_map


def count(candidate):
    return candidate, sum(1 for c in candidate if c in "aeiou")


candidates = ["banana", "kiwi", "apple", "fig"]
values = process_map(count, candidates, max_workers=2, desc="Candidates", disable=True)
print(values)
