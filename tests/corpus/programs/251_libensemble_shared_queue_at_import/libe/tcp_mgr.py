import multiprocessing

shared_queue = multiprocessing.Queue()


class ServerQueueManager:
    @staticmethod
    def get_shared():
        return shared_queue
