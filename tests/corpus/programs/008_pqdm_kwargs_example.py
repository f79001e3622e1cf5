# source: https://github.com/niedakh/pqdm/issues/45
# models: the README example of a parallel-progress helper, pasted as a script: a list of kwargs dicts is mapped over multiply() with a process pool, at module level (Windows 10)
# expect: fails-spawn: the executor is used at the top level of the main module; spawned workers re-run the script while bootstrapping -> BrokenProcessPool
from concurrent.futures import ProcessPoolExecutor


def multiply(a, b):
    return a * b


def _call_kwargs(kwargs):
    return multiply(**kwargs)


def pqdm(args, n_jobs):
    with ProcessPoolExecutor(max_workers=n_jobs) as executor:
        futures = [executor.submit(_call_kwargs, a) for a in args]
        return [f.result() for f in futures]


args = [{"a": 1, "b": 2}, {"a": 2, "b": 3}, {"a": 3, "b": 4}, {"a": 4, "b": 5}]
result = pqdm(args, n_jobs=2)
print(result)
