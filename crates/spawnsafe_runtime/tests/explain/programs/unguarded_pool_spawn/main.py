from multiprocessing import Pool

def square(x):
    return x * x

pool = Pool(2)
print(pool.map(square, range(4)))
