# source: https://github.com/BMIRDS/deepslide/issues/27
# models: compute_stats() defines a MyDataset class inside the function to compute channel means over the training patches with a multi-worker DataLoader
# expect: fails-spawn: the dataset's class is local to compute_stats -> AttributeError: Can't pickle local object 'compute_stats.<locals>.MyDataset'
import torch
from torch.utils.data import DataLoader, Dataset


def compute_stats(folder_path, image_names, num_workers=2):
    class MyDataset(Dataset):
        def __init__(self, names):
            self.names = names

        def __len__(self):
            return len(self.names)

        def __getitem__(self, i):
            return torch.tensor([len(self.names[i]), i])

    loader = DataLoader(MyDataset(image_names), batch_size=2, num_workers=num_workers)
    total = [0, 0]
    for batch in loader:
        for row in batch.tolist():
            total = [t + r for t, r in zip(total, row)]
    return [t / len(image_names) for t in total]


if __name__ == "__main__":
    print(compute_stats("train_folder", ["a.jpg", "bb.jpg", "ccc.jpg", "dddd.jpg"]))
