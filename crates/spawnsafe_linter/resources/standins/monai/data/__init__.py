"""MONAI's `DataLoader`, reduced to its mechanism on the torch stand-in:
monai/data/dataloader.py:26,78,105 (commit 0dab094) subclasses
`torch.utils.data.DataLoader` with `__init__(self, dataset, num_workers=0,
**kwargs)`, fills in module-level `collate_fn`/`worker_init_fn` defaults and
passes everything on: `super().__init__(dataset=dataset, num_workers=num_workers, **kwargs)`.
"""
import torch.utils.data


def list_data_collate(batch):
    return list(batch)


def worker_init_fn(worker_id):
    pass


class Dataset(torch.utils.data.Dataset):
    """monai.data.Dataset: items of `data`, each through `transform`."""

    def __init__(self, data, transform=None):
        self.data = data
        self.transform = transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        item = self.data[index]
        return item if self.transform is None else self.transform(item)


class DataLoader(torch.utils.data.DataLoader):
    def __init__(self, dataset, num_workers=0, **kwargs):
        if "collate_fn" not in kwargs:
            kwargs["collate_fn"] = list_data_collate
        if "worker_init_fn" not in kwargs:
            kwargs["worker_init_fn"] = worker_init_fn
        super().__init__(dataset=dataset, num_workers=num_workers, **kwargs)
