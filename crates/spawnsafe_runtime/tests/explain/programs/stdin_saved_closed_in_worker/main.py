import sys
from multiprocessing import Process

COMMANDS = sys.stdin

def listen():
    print(COMMANDS.readline())

if __name__ == "__main__":
    worker = Process(target=listen)
    worker.start()
    worker.join()
