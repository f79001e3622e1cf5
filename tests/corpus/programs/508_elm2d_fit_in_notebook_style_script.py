# source: https://github.com/lrcfmd/ElM2D/issues/13
# models: a VS Code/Jupyter-style script: the ElM2D class computes its distance matrix with a multiprocessing Pool wrapped in tqdm, and the cell-like code below creates the mapper and calls fit() at module level
# expect: fails-spawn: every pool worker re-imports the script and calls fit() again while bootstrapping
from itertools import combinations
from multiprocessing import Pool, cpu_count

from tqdm import tqdm


def _emd(pair):
    a, b = pair
    return sum(abs(x - y) for x, y in zip(a, b))


class ElM2D:
    def __init__(self, n_proc=None, verbose=False):
        self.n_proc = n_proc or min(2, cpu_count())
        self.verbose = verbose
        self.dm = None

    @staticmethod
    def _vector(formula):
        return [formula.count(c) for c in "CHNOS"]

    def fit(self, formulas):
        vectors = [self._vector(f) for f in formulas]
        pairs = list(combinations(vectors, 2))
        with Pool(self.n_proc) as pool:
            self.dm = list(tqdm(pool.imap(_emd, pairs), total=len(pairs), disable=not self.verbose))
        return self


formulas = ["CH4", "C2H6O", "NH3", "H2SO4"]
mapper = ElM2D()
mapper.fit(formulas)
print(mapper.dm)
print(len(mapper.dm))
