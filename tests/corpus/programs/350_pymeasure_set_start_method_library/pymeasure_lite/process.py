from multiprocessing import Process, Queue, set_start_method

set_start_method("spawn")


class Worker:
    def __init__(self, procedure):
        self.results = Queue()
        self.process = Process(target=procedure, args=(self.results,))

    def start(self):
        self.process.start()

    def result(self, timeout):
        return self.results.get(timeout=timeout)

    def join(self):
        self.process.join()
