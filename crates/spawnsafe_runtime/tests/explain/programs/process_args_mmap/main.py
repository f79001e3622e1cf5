import mmap
from multiprocessing import Process

def count(buffer):
    print(buffer[:4])

if __name__ == "__main__":
    buffer = mmap.mmap(-1, 4096)
    worker = Process(target=count, args=(buffer,))
    worker.start()
    worker.join()
