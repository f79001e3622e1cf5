import multiprocessing
from concurrent.futures import ProcessPoolExecutor

def bump(counter):
    counter.value += 1

if __name__ == "__main__":
    counter = multiprocessing.Value("i", 0)
    with ProcessPoolExecutor(2) as executor:
        list(executor.map(bump, [counter, counter]))
