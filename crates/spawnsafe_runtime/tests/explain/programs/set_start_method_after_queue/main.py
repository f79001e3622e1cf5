import multiprocessing as mp

if __name__ == "__main__":
    results = mp.Queue()
    mp.set_start_method("forkserver")
