# source: https://github.com/lyhue1991/eat_pytorch_in_20_days/issues/2
# models: an image folder dataset built with `target_transform=lambda t: torch.tensor([t]).float()` inside the guarded script, then `next(iter(dl_train))` with num_workers (Windows: "attribute lookup <lambda> on __main__ failed")
# expect: fails-spawn: the lambda stored in the dataset is pickled when the workers start -> PicklingError: Can't pickle <function <lambda>>: attribute lookup <lambda> on __main__ failed
import torch
from torch.utils.data import DataLoader, Dataset


class ImageFolder(Dataset):
    def __init__(self, root, transform=None, target_transform=None):
        self.samples = [(f"{root}/{c}/{i}.png", c) for c in (0, 1) for i in range(4)]
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        path, target = self.samples[i]
        return torch.tensor([len(path)]), self.target_transform(target)


if __name__ == "__main__":
    ds_train = ImageFolder("./data/cifar2/train/", target_transform=lambda t: torch.tensor([t]).float())
    dl_train = DataLoader(ds_train, batch_size=4, shuffle=True, num_workers=2)
    features, labels = next(iter(dl_train))
    print(features.tolist(), labels.tolist())
