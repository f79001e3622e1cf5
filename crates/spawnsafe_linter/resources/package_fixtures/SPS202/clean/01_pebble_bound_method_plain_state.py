# expect:
# oracle-spawn: ok stdout "['data: A', 'data: B']"
# oracle-fork: ok stdout "['data: A', 'data: B']"
# Modelled on noxdafox/pebble#146, the workaround: the instance keeps a plain
# prefix instead of a lambda, so its bound method pickles.
from pebble import ProcessPool


class Processor:
    def __init__(self):
        self.prefix = "data: "

    def handle(self, task):
        return self.prefix + task.upper()

    def run(self, tasks):
        with ProcessPool(max_workers=2) as pool:
            return [pool.submit(self.handle, 5, t).result() for t in tasks]


if __name__ == "__main__":
    print(Processor().run(["a", "b"]))
