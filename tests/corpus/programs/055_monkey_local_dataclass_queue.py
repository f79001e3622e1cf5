# source: https://github.com/guardicore/monkey/issues/2564
# models: while investigating IPC the team puts dataclass messages on a multiprocessing.Queue; here the message dataclass is declared inside the producer function
# expect: fails-spawn: the Queue's feeder thread cannot pickle an instance of a local class (AttributeError: Can't pickle local object 'produce.<locals>.Event'); the item is lost and the consumer blocks forever (every start method)
import dataclasses
import multiprocessing


def produce(queue):
    @dataclasses.dataclass
    class Event:
        source: str
        value: int

    for i in range(3):
        queue.put(Event("scanner", i))


def consume(queue, results):
    results.put([queue.get().value for _ in range(3)])


if __name__ == "__main__":
    queue, results = multiprocessing.Queue(), multiprocessing.Queue()
    consumer = multiprocessing.Process(target=consume, args=(queue, results))
    consumer.start()
    produce(queue)
    print("values:", results.get())
    consumer.join()
