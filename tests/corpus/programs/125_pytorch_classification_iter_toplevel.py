# source: https://github.com/lxztju/pytorch_classification/issues/37
# models: the classification train.py initialises the network and then, at module level, steps through the loader with `batch_iterator = iter(train_dataloader)` and next() per iteration (Windows, Anaconda)
# expect: fails-spawn: iter() on a DataLoader with workers at import time starts the workers; they re-import train.py and call iter() again while bootstrapping (RuntimeError)
import torch
from torch.utils.data import DataLoader, Dataset


class SelfCustomDataset(Dataset):
    def __init__(self, size):
        self.size = size

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        return torch.tensor([index, index * 2]), index % 3


train_dataloader = DataLoader(SelfCustomDataset(12), batch_size=4, shuffle=True, num_workers=2)
print("...... Initialize the network done!!! .......")
max_iter = 6
epoch_size = len(train_dataloader)
for iteration in range(max_iter):
    if iteration % epoch_size == 0:
        batch_iterator = iter(train_dataloader)
    images, labels = next(batch_iterator)
    print(iteration, labels.tolist())
