# source: https://github.com/likyoo/Siam-NestedUNet/issues/11
# models: a change-detection train.py builds its datasets and DataLoaders (num_workers from the options) and runs the epoch loop at module level; even with one worker Windows showed the freeze_support() error
# expect: fails-spawn: iterating a DataLoader with num_workers > 0 at import time starts workers that re-import train.py and iterate again while bootstrapping (RuntimeError); the loader reports that its workers exited
import torch
from torch.utils.data import DataLoader, Dataset


class ChangeDetectionDataset(Dataset):
    def __init__(self, n):
        self.pairs = [([i % 5] * 4, [(i + 1) % 5] * 4, i % 2) for i in range(n)]

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        a, b, label = self.pairs[idx]
        return torch.tensor(a), torch.tensor(b), label


opt = {"batch_size": 4, "num_workers": 1, "epochs": 2}
train_loader = DataLoader(ChangeDetectionDataset(12), batch_size=opt["batch_size"], shuffle=True,
                          num_workers=opt["num_workers"])

for epoch in range(opt["epochs"]):
    changed = 0
    for batch_img1, batch_img2, labels in train_loader:
        changed += sum(labels.tolist())
    print(f"epoch {epoch}: {changed} changed pairs")
