# source: https://github.com/dfm/emcee/issues/335
# models: the "global variable + pool" pattern of emcee's parallel tutorial as users adapt it: the data are made in the main block and log_prob reads them as globals; the sampler maps log_prob over the walkers with a multiprocessing Pool
# expect: fails-spawn: the spawned workers re-import the script without running the main block: NameError: name 'data' is not defined in log_prob
import random
from multiprocessing import Pool


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
    random.seed(42)
    data = [random.gauss(1.0, 0.5) for _ in range(50)]
    p0 = [(0.1 * i,) for i in range(4)]
    with Pool(2) as pool:
        sampler = EnsembleSampler(4, log_prob, pool=pool)
        print([round(v, 3) for v in sampler.run_mcmc(p0, 2)])
