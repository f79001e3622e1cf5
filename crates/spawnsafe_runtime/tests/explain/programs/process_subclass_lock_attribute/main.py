import multiprocessing
import threading

class Counter(multiprocessing.Process):
    def __init__(self):
        super().__init__()
        self.guard = threading.Lock()

    def run(self):
        with self.guard:
            print("counting")

if __name__ == "__main__":
    c = Counter()
    c.start()
    c.join()
