# source: https://github.com/chainer/chainer/pull/6884
# models: the InvalidType fix: the exception passes every constructor argument to super().__init__, so self.args can rebuild it after crossing a process boundary
# expect: clean (the exception is re-created from self.args == (expect, actual))
from concurrent.futures import ProcessPoolExecutor


class InvalidType(Exception):
    def __init__(self, expect, actual):
        super().__init__(expect, actual)
        self.expect = expect
        self.actual = actual

    def __str__(self):
        return f"Expect: {self.expect}\nActual: {self.actual}"


def type_check(shape):
    if len(shape) != 2:
        raise InvalidType("in_types[0].ndim == 2", f"{len(shape)} != 2")
    return shape


if __name__ == "__main__":
    with ProcessPoolExecutor(max_workers=2) as pool:
        for fut in [pool.submit(type_check, s) for s in [(3, 4), (3, 4, 5)]]:
            try:
                print("ok", fut.result())
            except InvalidType as e:
                print("invalid:", e.expect, "|", e.actual)
