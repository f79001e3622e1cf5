import queue
from multiprocessing import Queue

if __name__ == "__main__":
    jobs = Queue()
    jobs.put(lambda: 1)
    try:
        print(jobs.get(timeout=2))
    except queue.Empty:
        print("nothing arrived")
