# source: https://github.com/python/cpython/issues/133015
# models: a wrapper class forwards unknown attributes to the wrapped object with __getattr__; a producer process puts wrapped messages on a multiprocessing Queue for the parent
# expect: fails-spawn: unpickling the wrapper in the parent calls __getattr__ before self.foo exists, which recurses until RecursionError (every start method)
from multiprocessing import Process, Queue


class Foo:
    def __init__(self, var: int):
        self._var = var

    @property
    def var(self) -> int:
        return self._var


class FooWrapper:
    def __init__(self, foo: Foo):
        self.foo = foo

    def __getattr__(self, name):
        return getattr(self.foo, name)


def producer(queue):
    for i in range(3):
        queue.put(FooWrapper(Foo(i)))


if __name__ == "__main__":
    queue = Queue()
    proc = Process(target=producer, args=(queue,))
    proc.start()
    for _ in range(3):
        message = queue.get(timeout=5)
        print("got", message.var)
    proc.join()
