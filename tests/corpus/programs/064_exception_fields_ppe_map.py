# source: https://github.com/python/cpython/issues/120810
# models: an Exception subclass with annotated fields and an __init__(self, foo, bar) that never calls super().__init__; workers return such exceptions as values from ProcessPoolExecutor.map
# expect: fails-spawn: the exception pickles with empty args and Foo() is called in the parent -> TypeError: Foo.__init__() missing 2 required positional arguments; the executor breaks (every start method)
from concurrent.futures import ProcessPoolExecutor


class Foo(Exception):
    foo: int
    bar: str

    def __init__(self, foo, bar):
        self.foo = foo
        self.bar = bar


def work(x):
    return Foo(foo=42, bar=x)


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as pool:
        res = list(pool.map(work, ["a", "b", "c"]))
    print([(r.foo, r.bar) for r in res])
