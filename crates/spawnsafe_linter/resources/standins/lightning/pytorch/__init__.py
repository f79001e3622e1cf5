"""Stand-in for `lightning.pytorch` (see ../../pytorch_lightning)."""
from pytorch_lightning import LightningDataModule, LightningModule, Trainer  # noqa: F401
