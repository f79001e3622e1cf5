# source: https://github.com/GoogleCloudPlatform/gcs-connector-for-pytorch/pull/67
# models: the iterable dataset after the PR: `data_format_fn=None` falls back to a method of the dataset; sharded with get_worker_info() and iterated by a DataLoader with workers under the guard
# expect: clean (the dataset and its bound method pickle; each worker yields its own shard)
from torch.utils.data import DataLoader, IterableDataset, get_worker_info


class DataFluxIterableDataset(IterableDataset):
    def __init__(self, objects, data_format_fn=None):
        self.objects = objects
        self.data_format_fn = data_format_fn or self.data_format_default

    def data_format_default(self, data):
        return data

    def __iter__(self):
        info = get_worker_info()
        start, step = (0, 1) if info is None else (info.id, info.num_workers)
        for name in self.objects[start::step]:
            yield self.data_format_fn(name.upper())


if __name__ == "__main__":
    dataset = DataFluxIterableDataset([f"shard_{i}" for i in range(6)])
    loader = DataLoader(dataset, batch_size=None, num_workers=2)
    print(sorted(loader))
