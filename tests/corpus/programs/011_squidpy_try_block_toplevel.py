# source: https://github.com/scverse/squidpy/issues/345
# models: an analysis script computes a neighbourhood enrichment with n_jobs processes inside a top-level try/except that falls back to serial code only on ImportError (Windows)
# expect: fails-spawn: the Pool inside the top-level try block starts at import time; the spawned workers re-run it while bootstrapping (RuntimeError) and the map never completes
import random
from multiprocessing import Pool


def permutation_score(seed):
    rng = random.Random(seed)
    labels = [rng.randrange(3) for _ in range(50)]
    return sum(a == b for a, b in zip(labels, labels[1:]))


try:
    with Pool(processes=2) as pool:
        scores = pool.map(permutation_score, range(20))
except ImportError:
    scores = [permutation_score(s) for s in range(20)]

print("z-score inputs:", min(scores), max(scores), len(scores))
