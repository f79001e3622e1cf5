# source: https://github.com/kislyuk/ensure/issues/29
# models: an annotation-checking decorator written with functools.wraps around a module-level function, mapped with Pool.map; the decorated function is the module attribute and the wrapper carries its name
# expect: clean (the object pickled is the wrapper itself, found under its qualified name as the same object)
import functools
from multiprocessing import Pool


def ensure_annotations(func):
    @functools.wraps(func)
    def wrapper(*args):
        for value, kind in zip(args, func.__annotations__.values()):
            if not isinstance(value, kind):
                raise TypeError(f"{value!r} is not {kind.__name__}")
        return func(*args)
    return wrapper


@ensure_annotations
def greet(arg: str):
    return f"Hello {arg}!"


if __name__ == "__main__":
    with Pool(processes=1) as pool:
        print(pool.map(greet, ["map", "pool"]))
