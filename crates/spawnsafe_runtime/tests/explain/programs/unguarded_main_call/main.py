import multiprocessing

def work(n):
    return n + 1

def main():
    procs = [multiprocessing.Process(target=work, args=(i,)) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()

main()
