# source: https://github.com/NVIDIA/NVFlare/pull/1939
# models: a federated client's training script, wrapped in main() for macOS as in the PR, streams records from an IterableDataset that shards itself with get_worker_info() across DataLoader workers
# expect: clean (module-level dataset class, guarded entry point; each worker reads its own shard)
from torch.utils.data import DataLoader, IterableDataset, get_worker_info


class RecordStream(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        worker_id, num_workers = (info.id, info.num_workers) if info else (0, 1)
        for i in range(worker_id, self.n, num_workers):
            yield i * i


def main():
    loader = DataLoader(RecordStream(10), batch_size=None, num_workers=2)
    print(sorted(loader))


if __name__ == "__main__":
    main()
