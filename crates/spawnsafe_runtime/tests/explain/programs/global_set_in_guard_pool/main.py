import multiprocessing

def scaled(x):
    return x * FACTOR

if __name__ == "__main__":
    FACTOR = 10
    with multiprocessing.Pool(2) as pool:
        print(pool.map(scaled, [1, 2, 3]))
