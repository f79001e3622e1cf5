import multiprocessing
import time

def watch(proc):
    return proc.pid

if __name__ == "__main__":
    sleeper = multiprocessing.Process(target=time.sleep, args=(0.2,))
    sleeper.start()
    with multiprocessing.Pool(1) as pool:
        print(pool.apply(watch, (sleeper,)))
    sleeper.join()
