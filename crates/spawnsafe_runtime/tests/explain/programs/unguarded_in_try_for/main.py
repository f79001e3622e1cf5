import multiprocessing as mp

def job(i):
    return i

ctx = mp.get_context("spawn")
for i in range(1):
    try:
        p = ctx.Process(target=job, args=(i,))
        p.start()
        p.join()
    except KeyboardInterrupt:
        pass
