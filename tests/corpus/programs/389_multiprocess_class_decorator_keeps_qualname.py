# source: https://github.com/uqfoundation/multiprocess/issues/16
# models: a class decorator returns a subclass made inside the decorator; the fix from the thread copies __module__, __name__ and __qualname__ from the decorated class, and instances are sent to Pool workers
# expect: clean (pickle looks up __main__.Reading and finds the subclass the decorator returned, which is the instance's class)
from multiprocessing import Pool


def validated(cls):
    class Wrapped(cls):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.value < 0:
                raise ValueError("negative reading")

    Wrapped.__module__ = cls.__module__
    Wrapped.__name__ = cls.__name__
    Wrapped.__qualname__ = cls.__qualname__
    return Wrapped


@validated
class Reading:
    def __init__(self, sensor, value):
        self.sensor = sensor
        self.value = value


def describe(reading):
    return f"{reading.sensor}={reading.value}"


if __name__ == "__main__":
    readings = [Reading("t1", 20), Reading("t2", 22)]
    with Pool(2) as pool:
        print(pool.map(describe, readings))
