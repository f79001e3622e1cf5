import multiprocessing as mp

def wait_for(stop):
    stop.wait(0.1)

if __name__ == "__main__":
    stop = mp.Event()
    with mp.Pool(2) as pool:
        pool.apply_async(wait_for, (stop,)).get()
