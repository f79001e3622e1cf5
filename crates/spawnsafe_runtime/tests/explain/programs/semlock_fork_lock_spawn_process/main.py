import multiprocessing

def work(lock):
    with lock:
        print("working")

if __name__ == "__main__":
    lock = multiprocessing.get_context("fork").Lock()
    spawn = multiprocessing.get_context("spawn")
    worker = spawn.Process(target=work, args=(lock,))
    worker.start()
    worker.join()
