# source: https://github.com/openai/CLIP/pull/151
# models: the merged change: the lambda in the preprocessing Compose becomes the module-level function _convert_image_to_rgb, so the transform pickles for DataLoader workers on Windows
# expect: clean (the Compose holds module-level callables and transform objects)
from torch.utils.data import DataLoader, Dataset
from torchvision.transforms import Compose, Normalize, ToTensor


def _convert_image_to_rgb(image):
    return image if len(image) == 3 else image[:1] * 3


def _transform():
    return Compose([_convert_image_to_rgb, ToTensor(), Normalize(0.48, 0.27)])


class Captions(Dataset):
    def __init__(self, preprocess):
        self.images = [[10, 20, 30], [200], [0, 255, 128]]
        self.preprocess = preprocess

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.preprocess(self.images[i]).tolist()


if __name__ == "__main__":
    loader = DataLoader(Captions(_transform()), batch_size=None, num_workers=2)
    for image in loader:
        print(image)
