# source: https://github.com/python/cpython/issues/95826
# models: the same heartbeat Process subclass in its default configuration: the events are multiprocessing.Event objects created in __init__ and shared with the child through the instance
# expect: clean (multiprocessing.Event and Queue may be pickled while the process is being spawned: they are inherited)
import multiprocessing


class Heartbeat(multiprocessing.Process):
    def __init__(self, beats):
        super().__init__()
        self.beats = beats
        self.heartbeat_event = multiprocessing.Event()
        self.shutdown_event = multiprocessing.Event()
        self.result = multiprocessing.Queue()

    def run(self):
        for _ in range(self.beats):
            self.heartbeat_event.set()
            self.heartbeat_event.clear()
        self.result.put(self.beats)
        self.shutdown_event.set()


if __name__ == "__main__":
    hb = Heartbeat(5)
    hb.start()
    print("beats:", hb.result.get(timeout=10), hb.shutdown_event.wait(10))
    hb.join()
