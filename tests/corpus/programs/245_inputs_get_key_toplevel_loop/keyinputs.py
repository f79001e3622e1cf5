import multiprocessing
from collections import namedtuple

InputEvent = namedtuple("InputEvent", "ev_type code state")


def _listen(queue):
    for code in ("KEY_A", "KEY_B"):
        queue.put((code, 1))


class Keyboard:
    def __init__(self):
        self._queue = None
        self._listener = None

    def _start_listener(self):
        self._queue = multiprocessing.Queue()
        self._listener = multiprocessing.Process(target=_listen, args=(self._queue,), daemon=True)
        self._listener.start()

    def read(self):
        if self._listener is None:
            self._start_listener()
        code, state = self._queue.get()
        return [InputEvent("Key", code, state)]


keyboard = Keyboard()


def get_key():
    return keyboard.read()
