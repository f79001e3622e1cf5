# source: https://github.com/sybrenjansen/mpire/issues/41
# models: mpire's README example run as a script without a guard: `with WorkerPool(n_jobs=2) as pool: results = pool.map(time_consuming_function, range(10))` at module level (Windows 10 in the report)
# expect: clean (mpire starts its workers with fork wherever fork exists, so on Linux and macOS the workers never re-import the script; only Windows, where fork is missing, fails)
from mpire import WorkerPool


def time_consuming_function(x):
    return x * x


with WorkerPool(n_jobs=2) as pool:
    results = pool.map(time_consuming_function, range(10))
print(results)
