"""Stand-in for torchvision: see ../README.md."""

from . import datasets, transforms  # noqa: F401
