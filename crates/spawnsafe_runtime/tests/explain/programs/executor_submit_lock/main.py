import multiprocessing
from concurrent.futures import ProcessPoolExecutor

def locked_add(lock, x):
    with lock:
        return x + 1

if __name__ == "__main__":
    lock = multiprocessing.Lock()
    with ProcessPoolExecutor(2) as executor:
        print(executor.submit(locked_add, lock, 1).result())
