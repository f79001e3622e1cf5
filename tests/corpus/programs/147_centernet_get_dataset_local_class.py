# source: https://github.com/xingyizhou/CenterNet/issues/649
# models: get_dataset(dataset, task) defines `class Dataset(dataset_factory[dataset], _sample_factory[task])` inside the function from command-line choices, and training iterates a loader with num_workers > 0 (Windows)
# expect: fails-spawn: instances of a class defined inside a function cannot be pickled -> AttributeError: Can't pickle local object 'get_dataset.<locals>.Dataset'
from torch.utils.data import DataLoader


class COCO:
    num_classes = 80

    def __init__(self, split):
        self.images = [f"{split}_{i}.jpg" for i in range(4)]

    def __len__(self):
        return len(self.images)


class CTDetDataset:
    def __getitem__(self, index):
        return index % self.num_classes, len(self.images[index])


dataset_factory = {"coco": COCO}
_sample_factory = {"ctdet": CTDetDataset}


def get_dataset(dataset, task):
    class Dataset(dataset_factory[dataset], _sample_factory[task]):
        pass
    return Dataset


if __name__ == "__main__":
    Dataset = get_dataset("coco", "ctdet")
    train_loader = DataLoader(Dataset("train"), batch_size=2, shuffle=True, num_workers=2)
    print([b[0].tolist() for b in train_loader])
