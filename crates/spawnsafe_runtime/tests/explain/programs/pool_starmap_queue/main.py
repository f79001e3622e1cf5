import multiprocessing as mp

def work(i, progress):
    progress.put(i)
    return i

if __name__ == "__main__":
    progress = mp.Queue()
    with mp.Pool(2) as pool:
        print(pool.starmap(work, [(i, progress) for i in range(3)]))
