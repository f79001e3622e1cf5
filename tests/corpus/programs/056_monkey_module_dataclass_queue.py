# source: https://github.com/guardicore/monkey/issues/2564
# models: the finding of the investigation: module-level dataclasses (and plain classes holding other objects) travel through a multiprocessing.Queue without restrictions
# expect: clean (instances of module-level classes pickle by reference to an importable class)
import dataclasses
import multiprocessing


@dataclasses.dataclass
class Event:
    source: str
    value: int


def consume(queue, results):
    results.put([queue.get().value for _ in range(3)])


if __name__ == "__main__":
    queue, results = multiprocessing.Queue(), multiprocessing.Queue()
    consumer = multiprocessing.Process(target=consume, args=(queue, results))
    consumer.start()
    for i in range(3):
        queue.put(Event("scanner", i))
    print("values:", results.get(timeout=10))
    consumer.join()
