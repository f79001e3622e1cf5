import multiprocessing

def use(pool):
    print(pool.map(abs, [-1]))

if __name__ == "__main__":
    with multiprocessing.Pool(1) as pool:
        p = multiprocessing.Process(target=use, args=(pool,))
        p.start()
        p.join()
