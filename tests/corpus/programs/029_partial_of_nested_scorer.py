# source: https://github.com/soravux/scoop/issues/52
# models: a genetic-programming toolbox registers operators as functools.partial objects; one operator wraps a helper defined inside the setup function, and the population is evaluated with an executor
# expect: fails-spawn: the partial carries a nested function, which pickles by qualified name -> AttributeError: Can't pickle local object 'build_toolbox.<locals>.score' (every start method, since executor tasks are always pickled)
import functools
from concurrent.futures import ProcessPoolExecutor


def build_toolbox(target):
    def score(individual, weight):
        return weight * abs(sum(individual) - target)

    return {"evaluate": functools.partial(score, weight=2)}


def main():
    toolbox = build_toolbox(target=10)
    population = [[i, i + 1, i + 2] for i in range(5)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        fitness = list(pool.map(toolbox["evaluate"], population))
    print(fitness)


if __name__ == "__main__":
    main()
