# source: https://github.com/funkelab/gunpowder/pull/77
# models: "set random seed at start of each worker process": each batch-provider worker seeds its generator from its own index before producing batches
# expect: clean (the seed is derived inside the worker from its arguments)
import multiprocessing
import random


def provide_batch(worker_index, out):
    rng = random.Random(1000 + worker_index)
    out.put((worker_index, [rng.randint(0, 99) for _ in range(3)]))


if __name__ == "__main__":
    out = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=provide_batch, args=(i, out)) for i in range(3)]
    for w in workers:
        w.start()
    for index, values in sorted(out.get(timeout=10) for _ in workers):
        print(index, values)
    for w in workers:
        w.join()
