from multiprocessing import Pool

def inner(x):
    return x + 1

def outer(n):
    with Pool(2) as pool:
        return sum(pool.map(inner, range(n)))

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(outer, [2, 3]))
