# source: https://github.com/johannesulf/nautilus/issues/68
# models: a sampling script written top to bottom: define the prior and likelihood, build Sampler(pool=2) and call run() at module level; the sampler evaluates the likelihood in a multiprocessing.Pool
# expect: fails-spawn: each spawned pool worker re-imports the script and reaches sampler.run() again -> RuntimeError (bootstrapping phase) in every worker; the parent's pool replaces them forever (hang)
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


sampler = Sampler(prior, likelihood, pool=2)
print("best log-likelihood <= 0:", sampler.run() <= 0)
