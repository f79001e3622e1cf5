# source: https://github.com/python/cpython/issues/74599
# models: a producer Process puts measurement records on a Queue; each record keeps the threading.Lock its sensor used, and the parent counts records with get(timeout=...)
# expect: fails-spawn: the Queue's feeder thread cannot pickle the lock (TypeError: cannot pickle '_thread.lock' object), prints a traceback and drops every record, so the parent's get() raises queue.Empty (every start method)
import threading
from multiprocessing import Process, Queue


class Sensor:
    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()

    def read(self, step):
        with self.lock:
            return Record(self.name, step * 1.5, self.lock)


class Record:
    def __init__(self, sensor, value, guard):
        self.sensor = sensor
        self.value = value
        self.guard = guard


def produce(queue, count):
    sensor = Sensor("thermo")
    for step in range(count):
        queue.put(sensor.read(step))


if __name__ == "__main__":
    records = Queue()
    producer = Process(target=produce, args=(records, 3))
    producer.start()
    total = 0.0
    for _ in range(3):
        total += records.get(timeout=3).value
    producer.join()
    print("total", total)
