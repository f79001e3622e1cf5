from multiprocessing import Pool

def logged(function):
    def wrapper(*args):
        return function(*args)
    return wrapper

@logged
def square(x):
    return x * x

if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(square, [1, 2]))
