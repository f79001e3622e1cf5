# expect: SPS202
# oracle-spawn: fails "Can't pickle local object"
# oracle-fork: fails "Can't pickle local object"
# Modelled on noxdafox/pebble#146: a processor keeps a lambda in an attribute
# and submits its own bound method, which pickles the instance with it.
from pebble import ProcessPool


class Processor:
    def __init__(self):
        self.formatter = lambda text: f"data: {text}"

    def handle(self, task):
        return task.upper()

    def run(self, tasks):
        with ProcessPool(max_workers=2) as pool:
            return [pool.submit(self.handle, 5, t).result() for t in tasks]


if __name__ == "__main__":
    print(Processor().run(["a", "b"]))
