import os
from concurrent.futures import ProcessPoolExecutor

def crash(x):
    os._exit(3)

if __name__ == "__main__":
    with ProcessPoolExecutor(2) as executor:
        print(executor.submit(crash, 1).result())
