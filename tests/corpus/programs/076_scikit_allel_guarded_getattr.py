# source: https://github.com/cggh/scikit-allel/pull/427
# models: the proper fix for a wrapper class: __getattr__ refuses private and dunder names (such as __setstate__, looked up during unpickling) before forwarding to the wrapped object
# expect: clean (unpickling finds no __setstate__ and restores __dict__ without recursing)
import multiprocessing


class ArrayWrapper:
    def __init__(self, values):
        self._values = values

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._values, name)


def count_calls(wrapper):
    return wrapper.count(1), wrapper.index(2)


if __name__ == "__main__":
    genotypes = [ArrayWrapper([0, 1, 1, 2]), ArrayWrapper([2, 1, 0, 0])]
    with multiprocessing.Pool(2) as pool:
        print(pool.map(count_calls, genotypes))
