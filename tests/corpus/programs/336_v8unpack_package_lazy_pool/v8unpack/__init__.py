from v8unpack.helper import close_pool, extract

__all__ = ["extract", "close_pool"]
