import multiprocessing
import multiprocessing.managers


class EventQueue:
    MANAGER: multiprocessing.managers.SyncManager = multiprocessing.Manager()

    def __init__(self):
        self.queue = self.MANAGER.Queue()

    def size(self):
        return self.queue.qsize()
