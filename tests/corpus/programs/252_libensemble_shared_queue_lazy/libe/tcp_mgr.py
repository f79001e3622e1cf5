import multiprocessing

shared_queue = None


class ServerQueueManager:
    @staticmethod
    def get_shared():
        global shared_queue
        if shared_queue is None:
            shared_queue = multiprocessing.Queue()
        return shared_queue
