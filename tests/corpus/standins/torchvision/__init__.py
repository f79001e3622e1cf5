"""A stdlib-only stand-in for the few torchvision.transforms the corpus programs use (see torch/)."""
from . import transforms  # noqa: F401
