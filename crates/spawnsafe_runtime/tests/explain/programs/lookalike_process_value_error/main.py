from multiprocessing import Process

def check(limit):
    if limit < 0:
        raise ValueError(f"limit must be positive, got {limit}")

if __name__ == "__main__":
    worker = Process(target=check, args=(-1,))
    worker.start()
    worker.join()
