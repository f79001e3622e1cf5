# source: https://github.com/uqfoundation/multiprocess/issues/18
# models: the same scorer keeps its Pool in __init__ but defines __getstate__ that leaves the pool out, so the bound method can be sent to the workers
# expect: clean (__getstate__ returns the instance state without the pool; the workers never touch self.pool)
from multiprocessing import Pool


class Scorer:
    def __init__(self, weight, processes=2):
        self.weight = weight
        self.pool = Pool(processes)

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["pool"]
        return state

    def score(self, x):
        return x * x * self.weight + x

    def score_all(self, xs):
        return self.pool.map(self.score, xs)

    def close(self):
        self.pool.close()
        self.pool.join()


if __name__ == "__main__":
    scorer = Scorer(weight=3)
    try:
        print(scorer.score_all(range(5)))
    finally:
        scorer.close()
