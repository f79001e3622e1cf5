# source: https://github.com/xingyizhou/CenterNet/issues/126
# models: the workaround from the thread: the combined class is declared at module level (class MyDataset(dataset_factory['mydataset'], _sample_factory['ctdet'])) and get_dataset returns it
# expect: clean (a module-level class pickles by reference)
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


class MyDataset(dataset_factory["coco"], _sample_factory["ctdet"]):
    pass


def get_dataset(dataset, task):
    if dataset == "coco" and task == "ctdet":
        return MyDataset
    raise ValueError(dataset)


if __name__ == "__main__":
    Dataset = get_dataset("coco", "ctdet")
    train_loader = DataLoader(Dataset("train"), batch_size=2, shuffle=True, num_workers=2)
    print([b[0].tolist() for b in train_loader])
