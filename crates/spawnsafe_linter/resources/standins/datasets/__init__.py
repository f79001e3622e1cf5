"""Stand-in for Hugging Face `datasets`' multiprocessing map (datasets 5.0.2.dev0).

`Dataset.map(function, num_proc=N)` with `num_proc >= 1` shards the dataset and runs
`with mp.Pool(num_proc) as pool` (datasets/arrow_dataset.py:3536,3619-3625), where `mp`
is `multiprocess` (arrow_dataset.py:56): dill's fork of multiprocessing, whose default
context is fork on Linux and macOS whatever `multiprocessing`'s default is. dill carries
the function by value, so lambdas work. Here each shard runs in a process of the fork
context, which inherits the function instead of pickling it (as dill's by-value copy
would), and sends its rows back through a queue. `filter()` goes through `map()`.
"""
import multiprocessing


def _run_shard(function, rows, index, results):
    results.put((index, [function(row) for row in rows]))


class Dataset:
    def __init__(self, rows):
        self.rows = list(rows)

    @classmethod
    def from_dict(cls, mapping):
        keys = list(mapping)
        return cls([dict(zip(keys, values)) for values in zip(*mapping.values())])

    @classmethod
    def from_list(cls, rows):
        return cls(rows)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]

    def map(self, function, num_proc=None, **kwargs):
        if num_proc is None or num_proc < 1:
            return Dataset([function(row) for row in self.rows])
        ctx = multiprocessing.get_context("fork")
        results = ctx.Queue()
        shards = [self.rows[i::num_proc] for i in range(num_proc)]
        workers = [ctx.Process(target=_run_shard, args=(function, shard, i, results))
                   for i, shard in enumerate(shards)]
        for worker in workers:
            worker.start()
        done = dict(results.get(timeout=20) for _ in workers)
        for worker in workers:
            worker.join()
        mapped = [None] * len(self.rows)
        for i in range(num_proc):
            mapped[i::num_proc] = done[i]
        return Dataset(mapped)

    def filter(self, function, num_proc=None, **kwargs):
        keep = self.map(function, num_proc=num_proc).rows
        return Dataset([row for row, kept in zip(self.rows, keep) if kept])


class DatasetDict(dict):
    """datasets/dataset_dict.py: `map()`/`filter()` call each split's own method with the
    same `num_proc` (dataset_dict.py:985, 1102)."""

    def map(self, function, num_proc=None, **kwargs):
        return DatasetDict({name: split.map(function, num_proc=num_proc) for name, split in self.items()})

    def filter(self, function, num_proc=None, **kwargs):
        return DatasetDict({name: split.filter(function, num_proc=num_proc) for name, split in self.items()})
