from v8unpack.helper import extract

__all__ = ["extract"]
