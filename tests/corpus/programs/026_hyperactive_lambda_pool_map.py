# source: https://github.com/hyperactive-project/Hyperactive/issues/17
# models: an optimiser evaluates a search space with multiprocessing.Pool.map over a lambda wrapping the objective (worked in the maintainer's tests, failed for a macOS user)
# expect: fails-spawn: Pool.map pickles the task function; a lambda cannot be pickled by name (PicklingError: Can't pickle <function <lambda>>), under every start method
import multiprocessing


def model(alpha, beta):
    return round(-(alpha - 0.3) ** 2 - (beta - 0.6) ** 2, 4)


def search(space, n_jobs=2):
    with multiprocessing.Pool(n_jobs) as pool:
        scores = pool.map(lambda p: (model(*p), p), space)
    return max(scores)


if __name__ == "__main__":
    space = [(a / 10, b / 10) for a in range(0, 11, 2) for b in range(0, 11, 2)]
    print("best:", search(space))
