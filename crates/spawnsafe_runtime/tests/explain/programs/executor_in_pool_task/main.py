from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool

def leaf(x):
    return -x

def fan_out(n):
    with ProcessPoolExecutor(2) as executor:
        return list(executor.map(leaf, range(n)))

if __name__ == "__main__":
    with Pool(1) as pool:
        print(pool.apply(fan_out, (2,)))
