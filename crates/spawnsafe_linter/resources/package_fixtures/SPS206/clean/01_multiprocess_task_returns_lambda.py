# expect:
# oracle-spawn: ok stdout "scaled [2, 4, 6]"
# oracle-fork: ok stdout "scaled [2, 4, 6]"
"""Written from multiprocess's own copy of CPython's pool tests, where the
test that a task returning `lambda: 42` raises MaybeEncodingError is switched
off: multiprocess pickles with dill, which sends a lambda or a nested function
by value, so a task may return one and the parent calls it."""
import multiprocess as mp


def make_scaler(factor):
    def scale(value):
        return value * factor

    return scale


if __name__ == "__main__":
    with mp.Pool(2) as pool:
        scale = pool.apply_async(make_scaler, (2,)).get()
        doubled = pool.map(lambda value: value * 2, [1, 2, 3])
    print("scaled", [scale(value) for value in [1, 2, 3]])
    assert doubled == [2, 4, 6]
