# source: https://github.com/lrcfmd/ElM2D/issues/13
# models: the maintainer's suggestion: the cell's code moved into main(), called after freeze_support() under if __name__ == "__main__"
# expect: clean (the pool workers re-import the script and only get the class and main())
from itertools import combinations
from multiprocessing import Pool, cpu_count, freeze_support

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


def main():
    mapper = ElM2D()
    mapper.fit(["CH4", "C2H6O", "NH3", "H2SO4"])
    print(mapper.dm)
    print(len(mapper.dm))


if __name__ == "__main__":
    freeze_support()
    main()
