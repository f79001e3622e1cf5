# source: https://github.com/derivkit/derivkit/issues/203
# models: a finite-difference helper replaced its process pool with multiprocessing.dummy (threads) and is used at the top level of a script without a main guard
# expect: clean (multiprocessing.dummy.Pool starts threads, not processes, so there is no re-import and no pickling)
from multiprocessing.dummy import Pool


def f(x):
    return x ** 3 - 2 * x


def derivative(x, h=1e-3):
    return round((f(x + h) - f(x - h)) / (2 * h), 3)


stencil = [0.0, 0.5, 1.0, 1.5, 2.0]
with Pool(3) as pool:
    print(pool.map(derivative, stencil))
