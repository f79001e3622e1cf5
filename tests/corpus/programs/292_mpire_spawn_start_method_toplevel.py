# source: https://github.com/sybrenjansen/mpire/issues/41
# models: the same README example with `start_method="spawn"` (what mpire uses on Windows, chosen explicitly to reproduce the report on Linux) at module level
# expect: fails-spawn: spawned mpire workers re-import the script and start a WorkerPool again while bootstrapping (every start method, since spawn is chosen)
from mpire import WorkerPool


def time_consuming_function(x):
    return x * x


with WorkerPool(n_jobs=2, start_method="spawn") as pool:
    results = pool.map(time_consuming_function, range(10))
print(results)
