from multiprocessing import Pool

SETTINGS = None

def scaled(x):
    return x * SETTINGS["scale"]

if __name__ == "__main__":
    SETTINGS = {"scale": 10}
    with Pool(2) as pool:
        print(pool.map(scaled, [1, 2]))
