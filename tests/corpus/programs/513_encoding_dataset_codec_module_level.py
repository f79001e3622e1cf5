# source: https://github.com/zhanghang1989/PyTorch-Encoding/issues/356
# models: the same dataset with the mask codec imported at the top of the module and used as a module global, so the instance holds only its annotations (base64 stands in for pycocotools.mask)
# expect: clean (the dataset pickles its split and annotations; workers import the codec themselves)
import base64 as mask

from torch.utils.data import DataLoader, Dataset


class COCOSegmentation(Dataset):
    NUM_CLASS = 3

    def __init__(self, annotations, split="train"):
        self.split = split
        self.annotations = annotations

    def _gen_seg_mask(self, encoded):
        return list(mask.b64decode(encoded))

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
