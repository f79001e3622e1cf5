"""Stand-in for torchvision: see ../README.md."""

from . import transforms  # noqa: F401
