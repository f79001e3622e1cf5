# source: https://github.com/novonordisk-research/OptiHPLCHandler/pull/222
# models: the merged fix for an immutable dict subclass: __setitem__ reads the `mutable` flag with getattr(self, "mutable", True), so unpickling (which skips __init__) can fill the items
# expect: clean (the dict subclass round-trips through pickle)
import multiprocessing


class OptiDict(dict):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mutable = False

    def __setitem__(self, key, value):
        if not getattr(self, "mutable", True):
            raise TypeError("OptiDict is immutable")
        super().__setitem__(key, value)


def build_method(name):
    return OptiDict({"name": name, "flow": 0.5})


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        methods = pool.map(build_method, ["gradient", "isocratic"])
    print([(m["name"], m.mutable) for m in methods])
