# source: https://github.com/GoogleCloudPlatform/gcs-connector-for-pytorch/pull/67
# models: the connector's iterable dataset (the error the PR quotes: "Can't pickle <function DataFluxIterableDataset.<lambda>>"): an IterableDataset with `data_format_fn=lambda data: data`, sharded per worker with get_worker_info(), iterated by a DataLoader with workers under the guard
# expect: fails-spawn: the iterable dataset is pickled for every worker under spawn and its lambda cannot be pickled
from torch.utils.data import DataLoader, IterableDataset, get_worker_info


class DataFluxIterableDataset(IterableDataset):
    def __init__(self, objects, data_format_fn=lambda data: data):
        self.objects = objects
        self.data_format_fn = data_format_fn

    def __iter__(self):
        info = get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        for name in self.objects[start::step]:
            yield self.data_format_fn(name.upper())


if __name__ == "__main__":
    dataset = DataFluxIterableDataset([f"shard_{i}" for i in range(6)])
    loader = DataLoader(dataset, batch_size=None, num_workers=2)
    print(sorted(loader))
