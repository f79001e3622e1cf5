from . import worker  # noqa: F401
