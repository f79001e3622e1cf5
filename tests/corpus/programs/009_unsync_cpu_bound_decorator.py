# source: https://github.com/alex-sherman/unsync/issues/50
# models: a decorator in the style of @unsync(cpu_bound=True) submits the decorated function to a module-level ProcessPoolExecutor; the script calls the decorated function at module level (macOS, Python 3.11)
# expect: fails-spawn: the call at the top level submits to the executor while the main module is being imported; the spawned worker re-imports the script and submits again while bootstrapping -> BrokenProcessPool
import concurrent.futures
import functools

_EXECUTOR = concurrent.futures.ProcessPoolExecutor(max_workers=2)


def cpu_bound(func):
    @functools.wraps(func)
    def submit(*args):
        return _EXECUTOR.submit(func.__wrapped_target__, *args)
    func.__wrapped_target__ = func
    return submit


def _count_primes(limit):
    return sum(all(n % d for d in range(2, int(n ** 0.5) + 1)) for n in range(2, limit))


count_primes = cpu_bound(_count_primes)

futures = [count_primes(limit) for limit in (100, 200, 300)]
print([f.result() for f in futures])
_EXECUTOR.shutdown()
