# source: https://github.com/python/cpython/issues/73981
# models: the documented way: the lock is handed to each worker once through the Pool initializer, which stores it in a module global
# expect: clean (initargs are passed to the worker at process start, where sharing a Lock is allowed)
import multiprocessing
import os
import tempfile

lock = None


def init_worker(shared_lock):
    global lock
    lock = shared_lock


def append_line(args):
    path, n = args
    with lock:
        with open(path, "a") as f:
            f.write(f"{n}\n")
    return n


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "out.txt")
    with multiprocessing.Pool(2, initializer=init_worker, initargs=(multiprocessing.Lock(),)) as pool:
        done = pool.map(append_line, [(path, n) for n in range(4)])
    with open(path) as f:
        print(sorted(done), sorted(int(line) for line in f))
