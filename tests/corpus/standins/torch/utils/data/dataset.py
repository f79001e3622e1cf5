class Dataset:
    """Map-style dataset: subclasses define __getitem__ and __len__ (torch/utils/data/dataset.py)."""

    def __getitem__(self, index):
        raise NotImplementedError


class IterableDataset(Dataset):
    """Iterable-style dataset: every worker iterates its own copy (see get_worker_info)."""

    def __iter__(self):
        raise NotImplementedError


class TensorDataset(Dataset):
    def __init__(self, *tensors):
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return len(self.tensors[0])
