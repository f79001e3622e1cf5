from pymc_lite.parallel import sample

__all__ = ["sample"]
