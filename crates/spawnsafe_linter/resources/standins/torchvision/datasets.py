"""torchvision.datasets: every dataset derives from `VisionDataset`, whose `__init__`
keeps `transform`, `target_transform` and `transforms` as attributes
(torchvision/datasets/vision.py:9-26), so pickling a dataset pickles them. `FakeData`
(torchvision/datasets/fakedata.py) makes its samples without files: here sample i is
the number i, its target i % num_classes."""


class VisionDataset:
    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        self.root = root
        self.transform = transform
        self.target_transform = target_transform
        self.transforms = transforms


class FakeData(VisionDataset):
    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10,
                 transform=None, target_transform=None, random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes

    def __len__(self):
        return self.size

    def __getitem__(self, index):
        image, target = index, index % self.num_classes
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target
