# source: https://github.com/PrefectHQ/prefect/issues/16582
# models: the change the issue asks for: the task decorator returns a plain wrapper made with functools.wraps, and the decorated function is submitted to a ProcessPoolExecutor
# expect: clean (functools.wraps copies __qualname__, so the wrapper pickles by name as __main__.normalise and that name is the wrapper itself)
import functools
import time
from concurrent.futures import ProcessPoolExecutor


def task(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        wrapper.last_duration = time.perf_counter() - start
        return result

    return wrapper


@task
def normalise(record):
    return {key.lower(): value for key, value in record.items()}


if __name__ == "__main__":
    records = [{"Name": "a", "Size": 1}, {"Name": "b", "Size": 2}]
    with ProcessPoolExecutor(max_workers=2) as executor:
        print(list(executor.map(normalise, records)))
