from .extract import extract

__all__ = ["extract"]
