# source: https://github.com/CompOmics/DeepLC/pull/6
# models: the merged fix: when the predictor runs inside a daemonic process it uses a thread-based dummy pool instead of a process Pool
# expect: clean (threads may be started from a daemonic pool worker)
import multiprocessing
from multiprocessing.dummy import Pool as ThreadPool


def predict(peptide):
    return peptide, round(len(peptide) * 1.7, 1)


def batch_predict(peptides):
    if multiprocessing.current_process().daemon:
        pool = ThreadPool(2)
    else:
        pool = multiprocessing.Pool(2)
    with pool:
        return pool.map(predict, peptides)


def job(shard):
    return batch_predict([f"PEP{shard}", f"TIDE{shard}"])


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(job, range(2)))
