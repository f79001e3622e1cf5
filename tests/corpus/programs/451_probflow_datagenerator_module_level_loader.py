# source: https://github.com/brendanhasz/probflow/issues/32
# models: the batch loader moved to a module-level function that receives the generator and the batch index; __iter__ still starts one Process per batch
# expect: clean (the target pickles by name and the generator instance by its class and plain lists)
import multiprocessing


def _get_data(generator, index, queue):
    queue.put((index, generator[index]))


class DataGenerator:
    def __init__(self, x, y, batch_size=2, num_workers=2):
        self.x = x
        self.y = y
        self.batch_size = batch_size
        self.num_workers = num_workers

    @property
    def n_batches(self):
        return (len(self.x) + self.batch_size - 1) // self.batch_size

    def __getitem__(self, index):
        s = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[s], self.y[s]

    def __iter__(self):
        queue = multiprocessing.Queue()
        procs = [multiprocessing.Process(target=_get_data, args=(self, i, queue)) for i in range(self.n_batches)]
        for p in procs:
            p.start()
        batches = dict(queue.get() for _ in procs)
        for p in procs:
            p.join()
        for i in range(self.n_batches):
            yield batches[i]


if __name__ == "__main__":
    gen = DataGenerator(list(range(6)), [v * 2 for v in range(6)])
    for xb, yb in gen:
        print(xb, yb)
