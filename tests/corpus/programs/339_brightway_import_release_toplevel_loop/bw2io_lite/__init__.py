from bw2io_lite.ecoinvent import import_ecoinvent_release

__all__ = ["import_ecoinvent_release"]
