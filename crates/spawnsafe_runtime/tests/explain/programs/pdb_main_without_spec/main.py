import multiprocessing

def work():
    print("working")

if __name__ == "__main__":
    p = multiprocessing.Process(target=work)
    p.start()
    p.join()
