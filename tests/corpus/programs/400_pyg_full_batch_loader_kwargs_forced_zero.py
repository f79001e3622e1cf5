# source: https://github.com/pyg-team/pytorch_geometric/blob/master/torch_geometric/data/lightning/datamodule.py
# models: a data module forwards its loader options through **kwargs to a full-batch DataLoader with collate_fn=lambda xs: xs[0]; for loader="full" __init__ resets num_workers to 0 with a warning
# expect: clean (num_workers is forced to 0 before any loader is built, so the lambda never leaves this process)
import warnings

import torch
from torch.utils.data import DataLoader


class LightningNodeData:
    def __init__(self, data, loader="neighbor", **kwargs):
        kwargs.setdefault("batch_size", 1)
        kwargs.setdefault("num_workers", 0)
        if loader == "full" and kwargs["num_workers"] != 0:
            warnings.warn(f"Re-setting 'num_workers' to 0 in '{self.__class__.__name__}' for loader='full' "
                          f"(got '{kwargs['num_workers']}')")
            kwargs["num_workers"] = 0
        self.data = data
        self.loader = loader
        self.kwargs = kwargs

    def full_dataloader(self, **kwargs):
        return torch.utils.data.DataLoader(
            [self.data],
            collate_fn=lambda xs: xs[0],
            **kwargs,
        )

    def train_dataloader(self):
        return self.full_dataloader(**self.kwargs)


def fit(datamodule):
    total = 0
    for batch in datamodule.train_dataloader():
        total += sum(batch["x"])
    return total


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dm = LightningNodeData({"x": [1, 2, 3], "edge_index": [[0, 1], [1, 2]]}, loader="full", num_workers=4)
    print("loss:", fit(dm))
