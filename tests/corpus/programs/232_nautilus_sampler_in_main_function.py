# source: https://github.com/johannesulf/nautilus/issues/68
# models: the maintainer's answer: keep prior and likelihood at module level but build and run the sampler inside main(), called from the main guard
# expect: clean (workers re-import the script and find prior/likelihood; the sampler runs only in the parent)
import multiprocessing
import random


class Sampler:
    def __init__(self, prior, likelihood, pool=None, n_live=8):
        self.prior = prior
        self.likelihood = likelihood
        self.n_pool = pool
        self.n_live = n_live

    def run(self):
        points = [self.prior(random.random()) for _ in range(self.n_live)]
        with multiprocessing.Pool(self.n_pool) as pool:
            logl = pool.map(self.likelihood, points)
        return max(logl)


def prior(u):
    return 10 * u - 5


def likelihood(x):
    return -0.5 * x * x


def main():
    sampler = Sampler(prior, likelihood, pool=2)
    print("best log-likelihood <= 0:", sampler.run() <= 0)


if __name__ == "__main__":
    main()
