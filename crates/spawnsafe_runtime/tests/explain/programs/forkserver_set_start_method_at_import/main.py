import multiprocessing as mp

mp.set_start_method("spawn")

def task():
    print("task ran")

if __name__ == "__main__":
    p = mp.Process(target=task)
    p.start()
    p.join()
