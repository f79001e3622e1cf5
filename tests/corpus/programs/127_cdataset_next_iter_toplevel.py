# source: https://github.com/pytorch/pytorch/issues/11139
# models: the report's minimal example: a custom Dataset, `loader = data.DataLoader(dataset, num_workers=2)` and `next(iter(loader))` at module level (Windows 10)
# expect: fails-spawn: next(iter(loader)) at import time starts the workers, which re-import the script and do it again while bootstrapping (RuntimeError)
import torch
import torch.utils.data as data


class CDataset(data.Dataset):
    def __init__(self):
        data.Dataset.__init__(self)

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return torch.tensor([i, i + 1, i + 2])


dataset = CDataset()
loader = data.DataLoader(dataset, num_workers=2)
print(next(iter(loader)))
