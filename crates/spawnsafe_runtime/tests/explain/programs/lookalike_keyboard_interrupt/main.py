import os
import signal
import threading
import time
from multiprocessing import Pool

def slow(x):
    time.sleep(30)
    return x

def interrupt():
    time.sleep(2)
    os.killpg(os.getpgid(0), signal.SIGINT)

if __name__ == "__main__":
    threading.Thread(target=interrupt, daemon=True).start()
    with Pool(2) as pool:
        print(pool.map(slow, range(4)))
