"""torchvision/transforms/transforms.py, reduced to how the transforms pickle:
each is a plain object whose `__dict__` holds what it was given
(`Compose.__init__`: `self.transforms = transforms`; `Lambda.__init__`:
`self.lambd = lambd`; `RandomTransforms.__init__`, the base of `RandomApply`,
`RandomChoice` and `RandomOrder`: `self.transforms = transforms`), so a lambda
inside one travels with the dataset that stores it."""

import random


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img


class Lambda:
    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)


class RandomTransforms:
    def __init__(self, transforms):
        if not isinstance(transforms, (list, tuple)):
            raise TypeError("Argument transforms should be a sequence")
        self.transforms = transforms


class RandomApply(RandomTransforms):
    def __init__(self, transforms, p=0.5):
        super().__init__(transforms)
        self.p = p

    def __call__(self, img):
        if self.p < random.random():
            return img
        for t in self.transforms:
            img = t(img)
        return img


class RandomChoice(RandomTransforms):
    def __call__(self, img):
        return random.choice(self.transforms)(img)


class ToTensor:
    """Pixels in [0, 255] to floats in [0, 1] (a list stands for the tensor)."""

    def __call__(self, pic):
        return [value / 255.0 for value in pic]


class Normalize:
    def __init__(self, mean, std):
        self.mean = mean
        self.std = std

    def __call__(self, tensor):
        return [round((value - self.mean) / self.std, 4) for value in tensor]
