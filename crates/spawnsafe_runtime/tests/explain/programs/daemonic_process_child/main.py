import multiprocessing

def leaf():
    print("leaf")

def branch():
    p = multiprocessing.Process(target=leaf)
    p.start()
    p.join()

if __name__ == "__main__":
    d = multiprocessing.Process(target=branch, daemon=True)
    d.start()
    d.join()
