import multiprocessing

def work(x):
    return x

if __name__ == "__main__":
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        print(pool.map(work, range(3)))
