# source: https://github.com/torcheeg/torcheeg/issues/16
# models: the MNE example, after the user added `if __name__ == "__main__":` in front of the dataset construction: the label transform still contains `lambda x: x - 2`, and trainer.fit iterates a multi-worker loader
# expect: fails-spawn: the guard fixes the re-import, but the dataset's label transform is a lambda -> PicklingError: Can't pickle <function <lambda>>: attribute lookup <lambda> on __main__ failed
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms


class MNEDataset(Dataset):
    def __init__(self, epochs, label_transform):
        self.epochs = epochs
        self.label_transform = label_transform

    def __len__(self):
        return len(self.epochs)

    def __getitem__(self, i):
        signal, event = self.epochs[i]
        return [round(s * 0.5, 2) for s in signal], self.label_transform(event)


def fit(loader, num_epochs):
    return [sorted(labels.tolist()) for _ in range(num_epochs) for _, labels in loader]


if __name__ == "__main__":
    epochs = [([0.1 * i, 0.2 * i], 2 + i % 3) for i in range(6)]
    dataset = MNEDataset(epochs, label_transform=transforms.Compose([transforms.Lambda(lambda x: x - 2)]))
    train_loader = DataLoader(dataset, batch_size=3, num_workers=2)
    print(fit(train_loader, num_epochs=1))
