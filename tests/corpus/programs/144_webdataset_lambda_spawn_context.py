# source: https://github.com/webdataset/webdataset/pull/416
# models: a shard-list dataset keeps lambda functions as its shard filter and key mapper, and the loader is created with multiprocessing_context="spawn" (issue #361: "ShardListDataset does not work with multiprocessing_context=spawn")
# expect: fails-spawn: spawn is requested explicitly, so the lambdas must be pickled on every platform -> PicklingError: Can't pickle <function <lambda>> (fails under fork too)
from torch.utils.data import DataLoader, IterableDataset, get_worker_info


class ShardListDataset(IterableDataset):
    def __init__(self, shards):
        self.shards = shards
        self.select = lambda shard: shard.endswith(".tar")
        self.key = lambda shard: shard.split("-")[1]

    def __iter__(self):
        info = get_worker_info()
        mine = self.shards[info.id::info.num_workers] if info else self.shards
        for shard in mine:
            if self.select(shard):
                yield self.key(shard)


if __name__ == "__main__":
    ds = ShardListDataset([f"train-{i:04d}.tar" for i in range(4)] + ["train-index.json"])
    loader = DataLoader(ds, batch_size=None, num_workers=2, multiprocessing_context="spawn")
    print(sorted(loader))
