# source: https://github.com/uqfoundation/multiprocess/issues/18
# models: a scorer object creates its Pool in __init__ and maps its own bound method over the inputs
# expect: fails-spawn: the bound method pickles its instance, whose __dict__ holds the Pool: NotImplementedError: pool objects cannot be passed between processes or pickled (every start method)
from multiprocessing import Pool


class Scorer:
    def __init__(self, weight, processes=2):
        self.weight = weight
        self.pool = Pool(processes)

    def score(self, x):
        return (lambda y: y ** 2)(x) * self.weight + x

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
