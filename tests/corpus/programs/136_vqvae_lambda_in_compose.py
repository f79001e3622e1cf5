# source: https://github.com/bshall/VectorQuantizedVAE/pull/2
# models: the training script's transform is `transforms.Compose([transforms.ToTensor(), lambda x: x - 0.5])`, which must be pickled to use several DataLoader workers on Windows
# expect: fails-spawn: the dataset holds the Compose, whose list holds a lambda -> PicklingError: Can't pickle <function <lambda>> when the workers start
import torch
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms


class CIFAR(Dataset):
    def __init__(self, transform):
        self.images = [[(i * 40 + k) % 256 for k in range(3)] for i in range(8)]
        self.transform = transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.transform(self.images[i]), i % 10


def train(num_workers):
    transform = transforms.Compose([transforms.ToTensor(), lambda x: torch.tensor([round(v - 0.5, 3) for v in x])])
    loader = DataLoader(CIFAR(transform), batch_size=4, shuffle=True, num_workers=num_workers)
    return [labels.tolist() for _, labels in loader]


if __name__ == "__main__":
    print(train(num_workers=2))
