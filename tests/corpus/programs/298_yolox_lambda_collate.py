# source: https://github.com/cj-mills/pytorch-yolox-object-detection-tutorial-code/issues/4
# models: the YOLOX tutorial's loaders built with `collate_fn=lambda batch: tuple(zip(*batch))` and passed to train_loop(), run on an Apple M3 (PicklingError: Can't pickle <function <lambda>>: attribute lookup <lambda> on __main__ failed)
# expect: fails-spawn: the DataLoader pickles its collate_fn for the workers under spawn, and a lambda cannot be pickled by name
from torch.utils.data import DataLoader, Dataset


class HaGRIDDataset(Dataset):
    def __init__(self, img_keys):
        self.img_keys = img_keys

    def __len__(self):
        return len(self.img_keys)

    def __getitem__(self, index):
        key = self.img_keys[index]
        return [len(key)], {"labels": [index % 2]}


def train_loop(model, train_dataloader, epochs):
    for epoch in range(epochs):
        boxes = 0
        for images, targets in train_dataloader:
            boxes += len(targets)
        print(model, "epoch", epoch, "targets", boxes)


if __name__ == "__main__":
    data_loader_params = {"batch_size": 2, "num_workers": 2, "collate_fn": lambda batch: tuple(zip(*batch))}
    train_dataloader = DataLoader(HaGRIDDataset([f"img_{i}" for i in range(6)]), **data_loader_params, shuffle=True)
    train_loop("yolox_tiny", train_dataloader, epochs=1)
