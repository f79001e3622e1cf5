# source: https://github.com/cj-mills/pytorch-yolox-object-detection-tutorial-code/issues/4
# models: the usual answer to the report: the collate lambda becomes a module-level `def collate_fn(batch)`, with the loaders and train_loop() run from the guard
# expect: clean (a module-level collate function pickles by name and the spawned workers find it in the re-imported script)
from torch.utils.data import DataLoader, Dataset


class HaGRIDDataset(Dataset):
    def __init__(self, img_keys):
        self.img_keys = img_keys

    def __len__(self):
        return len(self.img_keys)

    def __getitem__(self, index):
        key = self.img_keys[index]
        return [len(key)], {"labels": [index % 2]}


def collate_fn(batch):
    return tuple(zip(*batch))


def train_loop(model, train_dataloader, epochs):
    for epoch in range(epochs):
        boxes = 0
        for images, targets in train_dataloader:
            boxes += len(targets)
        print(model, "epoch", epoch, "targets", boxes)


if __name__ == "__main__":
    data_loader_params = {"batch_size": 2, "num_workers": 2, "collate_fn": collate_fn}
    train_dataloader = DataLoader(HaGRIDDataset([f"img_{i}" for i in range(6)]), **data_loader_params, shuffle=True)
    train_loop("yolox_tiny", train_dataloader, epochs=1)
