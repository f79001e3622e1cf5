# source: https://github.com/pytorch/pytorch/issues/5858
# models: the fix the thread converged on: the same cats-vs-dogs script with the dataset, loader and training loop moved into main(), called under `if __name__ == '__main__':`
# expect: clean (the workers re-import the script, which now only defines the dataset class and main())
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


def main():
    print("building train_dataset")
    train_dataset = CatsDogsDataset([f"cat.{i}.jpg" for i in range(6)] + [f"dog.{i}.jpg" for i in range(6)])
    train_dataloader = DataLoader(train_dataset, batch_size=4, shuffle=True, num_workers=2)
    print("training model")
    for epoch in range(2):
        correct = 0
        for images, labels in train_dataloader:
            correct += sum(labels)
        print("epoch", epoch, "positives", correct)


if __name__ == "__main__":
    main()
