# source: https://github.com/CompOmics/DeepLC/pull/6
# models: a predictor switches to multiprocessing.pool.ThreadPool (the "dummy pool" of the PR) and, since threads share the module, keeps its worker function inside the main guard
# expect: clean (ThreadPool runs the function in threads of the same process; nothing is pickled or re-imported)
from multiprocessing.pool import ThreadPool

if __name__ == "__main__":
    def predict_retention(peptide):
        return peptide, round(sum(ord(c) for c in peptide) / 100.0, 2)

    peptides = ["PEPTIDE", "ACDEFGH", "KLMNPQR"]
    with ThreadPool(2) as pool:
        for peptide, rt in pool.map(predict_retention, peptides):
            print(peptide, rt)
