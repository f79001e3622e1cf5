# source: https://github.com/anyoptimization/pymoo/issues/348
# models: the optimisation problem keeps the pool's starmap as its elementwise runner; the algorithm later evaluates copies of the problem in a process pool, so the problem itself is sent as a task argument
# expect: fails-spawn: pickling the problem pickles pool.starmap, a bound method of the Pool: "NotImplementedError: pool objects cannot be passed between processes or pickled" (every start method)
from multiprocessing import Pool


class StarmapParallelization:
    def __init__(self, starmap):
        self.starmap = starmap

    def __call__(self, f, X):
        return list(self.starmap(f, [[x] for x in X]))


class MyProblem:
    def __init__(self, n_var, elementwise_runner=None):
        self.n_var = n_var
        self.elementwise_runner = elementwise_runner

    def evaluate(self, x):
        return sum(v * v for v in x)


def evaluate_population(problem, population):
    return [problem.evaluate(x) for x in population]


if __name__ == "__main__":
    pool = Pool(2)
    problem = MyProblem(n_var=3, elementwise_runner=StarmapParallelization(pool.starmap))
    populations = [[[1, 2, 3], [0, 0, 1]], [[2, 2, 2]]]
    result = pool.starmap(evaluate_population, [(problem, pop) for pop in populations])
    print(result)
    pool.close()
    pool.join()
