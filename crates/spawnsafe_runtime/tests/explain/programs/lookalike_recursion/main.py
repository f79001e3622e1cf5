from multiprocessing import Pool

def depth(n):
    return 1 + depth(n + 1)

if __name__ == "__main__":
    with Pool(1) as pool:
        print(pool.apply(depth, (0,)))
