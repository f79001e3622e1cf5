import functools
from multiprocessing import Pool

def main():
    def add(a, b):
        return a + b

    with Pool(2) as pool:
        print(pool.map(functools.partial(add, 10), range(3)))

if __name__ == "__main__":
    main()
