import multiprocessing
import threading

def count(lock):
    with lock:
        print("counted")

if __name__ == "__main__":
    lock = threading.Lock()
    p = multiprocessing.Process(target=count, args=(lock,))
    p.start()
    p.join()
