from multiprocessing import Pool

def double(x):
    return 2 * x

if __name__ == "__main__":
    with Pool(2, initializer=lambda: None) as pool:
        print(pool.map(double, range(3)))
