"""PyTorch Geometric's loaders, reduced to their mechanism on the torch stand-in.

- torch_geometric/loader/dataloader.py:66,85-108 (commit 005a940):
  `class DataLoader(torch.utils.data.DataLoader)` whose `__init__(dataset,
  batch_size=1, shuffle=False, follow_batch=None, exclude_keys=None, **kwargs)`
  drops a `collate_fn` of the caller's and passes the rest (`num_workers`
  among them) to torch's `DataLoader` with `collate_fn=Collater(...)`;
- torch_geometric/loader/node_loader.py:30-35,107-145 (commit 0274d57):
  `NodeLoader(torch.utils.data.DataLoader)` keeps `data` and `transform` on
  itself and passes `collate_fn=self.collate_fn` (a bound method: the workers
  get the loader, graph and transform with it); `NeighborLoader(NodeLoader)`.
"""
import torch.utils.data


class Collater:
    def __init__(self, follow_batch, exclude_keys):
        self.follow_batch = follow_batch
        self.exclude_keys = exclude_keys

    def __call__(self, batch):
        return list(batch)


class DataLoader(torch.utils.data.DataLoader):
    def __init__(self, dataset, batch_size=1, shuffle=False, follow_batch=None,
                 exclude_keys=None, **kwargs):
        if "collate_fn" in kwargs:
            del kwargs["collate_fn"]
        super().__init__(dataset, batch_size, shuffle,
                         collate_fn=Collater(follow_batch, exclude_keys), **kwargs)


class NodeLoader(torch.utils.data.DataLoader):
    def __init__(self, data, node_sampler=None, input_nodes=None, transform=None, **kwargs):
        self.data = data
        self.transform = transform
        kwargs.pop("dataset", None)
        kwargs.pop("collate_fn", None)
        iterator = range(len(data) if input_nodes is None else len(input_nodes))
        super().__init__(iterator, collate_fn=self.collate_fn, **kwargs)

    def collate_fn(self, index):
        # Sampling, reduced to picking the nodes of the batch.
        out = [self.data[i] for i in index]
        return out if self.transform is None else self.transform(out)


class NeighborLoader(NodeLoader):
    def __init__(self, data, num_neighbors, input_nodes=None, transform=None, **kwargs):
        self.num_neighbors = num_neighbors
        super().__init__(data, None, input_nodes=input_nodes, transform=transform, **kwargs)
