"""Minimal torchvision.transforms: callables that are plain picklable objects, except for what
the user puts in them (a lambda inside Compose or Lambda stays a lambda)."""


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x


class Lambda:
    def __init__(self, lambd):
        self.lambd = lambd

    def __call__(self, x):
        return self.lambd(x)


class ToTensor:
    def __call__(self, pic):
        from torch import tensor
        return tensor([v / 255.0 for v in pic])


class Normalize:
    def __init__(self, mean, std):
        self.mean = mean
        self.std = std

    def __call__(self, t):
        from torch import tensor
        return tensor([round((v - self.mean) / self.std, 4) for v in t])


class RandomHorizontalFlip:
    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, x):
        return x
