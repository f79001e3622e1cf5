import time
from concurrent.futures import ProcessPoolExecutor

def slow(x):
    time.sleep(5)
    return x

if __name__ == "__main__":
    with ProcessPoolExecutor(1) as executor:
        print(executor.submit(slow, 1).result(timeout=0.5))
