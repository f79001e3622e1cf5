from multiprocessing import Pool

PRICES = {"apple": 1, "pear": 2}

def price(name):
    return PRICES[name]

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(price, ["apple", "plum"]))
