# source: https://github.com/python/cpython/issues/95826
# models: the report's SimpleRepro heartbeat class in its use_thread=True configuration: a Process subclass holding threading.Event objects, started as a process
# expect: fails-spawn: spawn pickles the Process subclass instance with its threading.Event (a Condition around a lock) -> TypeError: cannot pickle '_thread.lock' object
import multiprocessing
import threading


class Heartbeat(multiprocessing.Process):
    def __init__(self, beats):
        super().__init__()
        self.beats = beats
        self.heartbeat_event = threading.Event()
        self.result = multiprocessing.Queue()

    def run(self):
        for _ in range(self.beats):
            self.heartbeat_event.set()
            self.heartbeat_event.clear()
        self.result.put(self.beats)


if __name__ == "__main__":
    hb = Heartbeat(5)
    hb.start()
    print("beats:", hb.result.get(timeout=10))
    hb.join()
