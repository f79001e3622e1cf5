# source: https://github.com/mars-project/mars/pull/1990
# models: a worker raises an execution error that keeps a reference to the failing chunk object, which holds a threading.Lock; the parent waits for the pool's results
# expect: fails-spawn: the worker cannot pickle the exception it raised (cannot pickle '_thread.lock'), so the parent gets MaybeEncodingError instead of the error (every start method)
import multiprocessing
import threading


class Chunk:
    def __init__(self, key):
        self.key = key
        self.lock = threading.Lock()


class ExecutionError(Exception):
    def __init__(self, message, chunk):
        super().__init__(message)
        self.chunk = chunk


def execute(key):
    chunk = Chunk(key)
    if key == "c2":
        raise ExecutionError(f"tile failed for {key}", chunk)
    return key.upper()


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        try:
            print(pool.map(execute, ["c1", "c2"]))
        except ExecutionError as exc:
            print("job failed:", exc)
