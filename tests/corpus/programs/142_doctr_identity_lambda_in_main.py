# source: https://github.com/mindee/doctr/pull/2148
# models: the detection training script's "no augmentation" branch of a OneOf transform is `lambda x: x`, built inside main(); any `-j > 0` fails under spawn
# expect: fails-spawn: the dataset's transform list holds a lambda defined in main() -> AttributeError: Can't pickle local object 'main.<locals>.<lambda>'
import argparse
import random

from torch.utils.data import DataLoader, Dataset


class OneOf:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        return random.Random(len(img)).choice(self.transforms)(img)


def invert(img):
    return [255 - v for v in img]


class DetectionDataset(Dataset):
    def __init__(self, img_transforms):
        self.images = [[i, 2 * i, 3 * i] for i in range(6)]
        self.img_transforms = img_transforms

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return sum(self.img_transforms(self.images[i]))


def main(args):
    train_set = DetectionDataset(img_transforms=OneOf([invert, lambda x: x]))
    loader = DataLoader(train_set, batch_size=3, num_workers=args.workers)
    print([batch.tolist() for batch in loader])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("-j", "--workers", type=int, default=2)
    main(parser.parse_args())
