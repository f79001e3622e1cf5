"""Stand-in for the `lightning` package: `lightning.Trainer` and `lightning.pytorch` are
PyTorch Lightning's (see ../pytorch_lightning)."""
from pytorch_lightning import LightningDataModule, LightningModule, Trainer  # noqa: F401

from . import pytorch  # noqa: F401
