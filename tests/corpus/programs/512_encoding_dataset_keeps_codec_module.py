# source: https://github.com/zhanghang1989/PyTorch-Encoding/issues/356
# models: a COCO-style segmentation dataset imports its mask codec inside __init__ and keeps the module on the instance (self.coco_mask = mask); the training loop iterates a DataLoader with workers (base64 stands in for pycocotools.mask)
# expect: fails-spawn: each worker is sent the dataset, and pickling its __dict__ reaches the module: TypeError: cannot pickle 'module' object
from torch.utils.data import DataLoader, Dataset


class COCOSegmentation(Dataset):
    NUM_CLASS = 3

    def __init__(self, annotations, split="train"):
        import base64 as mask

        self.coco_mask = mask
        self.split = split
        self.annotations = annotations

    def _gen_seg_mask(self, encoded):
        return list(self.coco_mask.b64decode(encoded))

    def __getitem__(self, index):
        return index, self._gen_seg_mask(self.annotations[index])

    def __len__(self):
        return len(self.annotations)


def training(epoch, trainloader):
    for i, (image, target) in enumerate(trainloader):
        print(epoch, i, image, target)


if __name__ == "__main__":
    anns = ["AQID", "BAUG", "BwgJ", "CgsM"]
    trainset = COCOSegmentation(anns)
    trainloader = DataLoader(trainset, batch_size=2, shuffle=False, num_workers=2)
    for epoch in range(1):
        training(epoch, trainloader)
