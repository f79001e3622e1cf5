import multiprocessing

def make_worker(prefix):
    def worker(item):
        print(prefix, item)
    return worker

if __name__ == "__main__":
    p = multiprocessing.Process(target=make_worker(">"), args=("x",))
    p.start()
    p.join()
