# source: https://github.com/menpo/menpo/pull/519
# models: the fix replaced the wrapping library with functools.wraps, so the decorated feature function keeps its name and qualified name, and it is mapped over a Pool
# expect: clean (wraps copies __qualname__, so pickle finds __main__.igo, which is the wrapper itself)
import functools
from multiprocessing import Pool


def ndfeature(feature):
    @functools.wraps(feature)
    def wrapper(image, *args, **kwargs):
        pixels = image if isinstance(image, list) else [image]
        return feature(pixels, *args, **kwargs)

    return wrapper


@ndfeature
def igo(pixels, double_angles=False):
    total = sum(pixels)
    return total * 2 if double_angles else total


if __name__ == "__main__":
    with Pool(2) as pool:
        print(pool.map(igo, [[1, 2, 3], 4]))
