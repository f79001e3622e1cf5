# source: https://github.com/patrickloeber/pytorchTutorial/issues/3
# models: the tutorial's 09_dataloader.py after the maintainer's workaround: num_workers=0, with the loop still at module level
# expect: clean (with num_workers=0 the DataLoader loads in the main process; nothing is started or pickled)
import math

import torch
from torch.utils.data import DataLoader, Dataset


class WineDataset(Dataset):
    def __init__(self):
        self.x = [[float(i), float(i % 3)] for i in range(12)]
        self.y = [i % 3 for i in range(12)]

    def __getitem__(self, index):
        return torch.tensor(self.x[index]), self.y[index]

    def __len__(self):
        return len(self.x)


dataset = WineDataset()
train_loader = DataLoader(dataset=dataset, batch_size=4, shuffle=True, num_workers=0)
n_iterations = math.ceil(len(dataset) / 4)
for epoch in range(2):
    for i, (inputs, labels) in enumerate(train_loader):
        print(f"epoch {epoch + 1}, step {i + 1}/{n_iterations}, labels {labels.tolist()}")
