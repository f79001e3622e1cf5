# source: https://github.com/pytorch/pytorch/issues/5858
# models: the cats-vs-dogs script of the macOS comment (torch 1.7.1, Python 3.8): datasets and loaders are built at module level with progress prints, then "training model" loops over the train loader at module level
# expect: fails-spawn: iterating the loader at import time starts its workers, which re-import the script, rebuild the datasets (printing again) and start workers while bootstrapping (RuntimeError)
import torch
from torch.utils.data import DataLoader, Dataset


class CatsDogsDataset(Dataset):
    def __init__(self, files):
        self.files = files

    def __len__(self):
        return len(self.files)

    def __getitem__(self, i):
        name = self.files[i]
        return torch.tensor([len(name), i]), int(name.startswith("dog"))


print("building train_dataset")
train_dataset = CatsDogsDataset([f"cat.{i}.jpg" for i in range(6)] + [f"dog.{i}.jpg" for i in range(6)])
print("building train_dataset: done!")
train_dataloader = DataLoader(train_dataset, batch_size=4, shuffle=True, num_workers=2)
print("building train_dataloader: done!")

print("training model")
for epoch in range(2):
    correct = 0
    for images, labels in train_dataloader:
        correct += sum(labels)
    print("epoch", epoch, "positives", correct)
