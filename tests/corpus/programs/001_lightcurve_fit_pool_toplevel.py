# source: https://github.com/ebachelet/pyLIMA/issues/66
# models: an example script fits a microlensing light curve; the model fit evaluates the likelihood grid with a multiprocessing.Pool created at the top level of the script (no main guard), as the project's examples did on macOS
# expect: fails-spawn: Pool created at import time of the main module -> every spawned worker re-runs the script and raises the bootstrapping RuntimeError; the pool keeps replacing dead workers (hang)
import math
import multiprocessing


def chi2(params):
    t0, u0 = params
    model = [1.0 / math.sqrt(u0 * u0 + ((t - t0) / 10.0) ** 2 + 0.1) for t in range(20)]
    return round(sum((m - 1.0) ** 2 for m in model), 4), params


grid = [(t0, u0) for t0 in range(5, 15, 2) for u0 in (0.1, 0.3, 0.5)]
pool = multiprocessing.Pool(2)
results = pool.map(chi2, grid)
pool.close()
pool.join()
best = min(results)
print("best fit:", best[1], "chi2", best[0])
