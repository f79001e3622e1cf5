"""A stdlib-only stand-in for the parts of PyTorch the corpus programs use.

PyTorch cannot be installed where the corpus is labelled (its wheels pull several GB of GPU
libraries), so this package reproduces the *process mechanism* of ``torch.utils.data.DataLoader``
and ``torch.multiprocessing`` with the standard library; tensors are plain Python lists.
See ``utils/data/dataloader.py`` and ``multiprocessing/spawn.py`` for the PyTorch source lines
each piece follows.
"""
import random as _random

from . import multiprocessing, utils  # noqa: F401

__version__ = "2.0.0+standin"


class Tensor:
    def __init__(self, data):
        self.data = list(data) if isinstance(data, (list, tuple, range)) else data

    def tolist(self):
        return self.data

    def item(self):
        return self.data if not isinstance(self.data, list) else self.data[0]

    def sum(self):
        return Tensor(sum(_flatten(self.data)))

    def float(self):
        return self

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        return iter(self.data)

    def __getitem__(self, i):
        return self.data[i]

    def __eq__(self, other):
        return isinstance(other, Tensor) and self.data == other.data

    def __repr__(self):
        return f"tensor({self.data!r})"


def _flatten(x):
    if isinstance(x, list):
        for y in x:
            yield from _flatten(y)
    else:
        yield x


def tensor(data, dtype=None):
    return Tensor(data)


def stack(tensors):
    return Tensor([t.data if isinstance(t, Tensor) else t for t in tensors])


def manual_seed(seed):
    _random.seed(seed)


def randn(*shape):
    if not shape:
        return Tensor(round(_random.gauss(0, 1), 4))
    if len(shape) == 1:
        return Tensor([round(_random.gauss(0, 1), 4) for _ in range(shape[0])])
    return Tensor([randn(*shape[1:]).data for _ in range(shape[0])])


float32 = "float32"
