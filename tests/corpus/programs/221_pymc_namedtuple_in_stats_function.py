# source: https://github.com/pymc-devs/pymc/pull/3268
# models: a stats function builds its result type with namedtuple() inside the function body; the per-chain summaries are computed in a Pool and returned
# expect: fails-spawn: the worker's result is an instance of a class made inside the function; pickling it back looks up __mp_main__.Summary (or __main__.Summary) and fails -> MaybeEncodingError (every start method)
import multiprocessing
from collections import namedtuple


def summary(chain):
    Summary = namedtuple("Summary", ["mean", "sd"])
    n = len(chain)
    mean = sum(chain) / n
    sd = (sum((x - mean) ** 2 for x in chain) / n) ** 0.5
    return Summary(mean, sd)


if __name__ == "__main__":
    chains = [[1.0, 2.0, 3.0], [2.0, 2.5, 3.5]]
    with multiprocessing.Pool(2) as pool:
        stats = pool.map(summary, chains)
    print([(round(s.mean, 2), round(s.sd, 2)) for s in stats])
