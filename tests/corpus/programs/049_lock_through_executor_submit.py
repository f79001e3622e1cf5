# source: https://github.com/python/cpython/issues/73981
# models: a script guards a shared output file with multiprocessing.Lock and passes the lock to every ProcessPoolExecutor.submit call (the docs issue asks how primitives may be shared)
# expect: fails-spawn: a multiprocessing.Lock in executor task arguments -> RuntimeError: Lock objects should only be shared between processes through inheritance (every start method)
import multiprocessing
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor


def append_line(path, lock, n):
    with lock:
        with open(path, "a") as f:
            f.write(f"{n}\n")
    return n


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "out.txt")
    lock = multiprocessing.Lock()
    with ProcessPoolExecutor(max_workers=2) as executor:
        done = [f.result() for f in [executor.submit(append_line, path, lock, n) for n in range(4)]]
    print(sorted(done))
