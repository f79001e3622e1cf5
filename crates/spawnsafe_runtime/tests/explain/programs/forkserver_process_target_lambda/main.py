import multiprocessing

if __name__ == "__main__":
    p = multiprocessing.Process(target=lambda: print("hi"))
    p.start()
    p.join()
