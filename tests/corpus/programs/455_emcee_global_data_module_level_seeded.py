# source: https://github.com/dfm/emcee/issues/335
# models: the tutorial's own layout: the data are made at module level from a fixed seed, so each spawned worker rebuilds the same global when it re-imports the script
# expect: clean (each worker recomputes identical data at import; the results match fork's)
import random
from multiprocessing import Pool

random.seed(42)
data = [random.gauss(1.0, 0.5) for _ in range(50)]


def log_prob(theta):
    mu, = theta
    return -0.5 * sum((d - mu) ** 2 for d in data)


class EnsembleSampler:
    def __init__(self, nwalkers, log_prob_fn, pool=None):
        self.nwalkers = nwalkers
        self.log_prob_fn = log_prob_fn
        self.pool = pool

    def run_mcmc(self, p0, nsteps):
        mapper = self.pool.map if self.pool is not None else map
        lnp = []
        for _ in range(nsteps):
            lnp = list(mapper(self.log_prob_fn, p0))
        return lnp


if __name__ == "__main__":
    p0 = [(0.1 * i,) for i in range(4)]
    with Pool(2) as pool:
        sampler = EnsembleSampler(4, log_prob, pool=pool)
        print([round(v, 3) for v in sampler.run_mcmc(p0, 2)])
