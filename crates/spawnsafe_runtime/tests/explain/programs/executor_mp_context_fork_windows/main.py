import multiprocessing
from concurrent.futures import ProcessPoolExecutor

def work(x):
    return x

if __name__ == "__main__":
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as ex:
        print(list(ex.map(work, range(2))))
