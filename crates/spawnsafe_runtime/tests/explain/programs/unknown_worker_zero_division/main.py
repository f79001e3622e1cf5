from multiprocessing import Pool

def ratio(x):
    return 1 / x

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(ratio, [1, 0]))
