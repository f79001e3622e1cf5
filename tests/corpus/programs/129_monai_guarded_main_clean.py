# source: https://github.com/Project-MONAI/MONAI/issues/755
# models: the MedNIST classification script after the advice in the thread: everything that builds and iterates the DataLoader (num_workers=2) is in main(), called from the guard; the dataset class is at module level
# expect: clean (the loader is iterated only in the guarded entry point; the dataset pickles)
import torch
from torch.utils.data import DataLoader, Dataset


class MedNISTDataset(Dataset):
    def __init__(self, image_files, labels):
        self.image_files = image_files
        self.labels = labels

    def __len__(self):
        return len(self.image_files)

    def __getitem__(self, index):
        return torch.tensor([len(self.image_files[index])]), self.labels[index]


def main():
    files = [f"img_{i}.nii" for i in range(8)]
    loader = DataLoader(MedNISTDataset(files, [i % 6 for i in range(8)]), batch_size=4, num_workers=2)
    for epoch in range(2):
        print(epoch, [labels.tolist() for _, labels in loader])


if __name__ == "__main__":
    main()
