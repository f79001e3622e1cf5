# source: https://github.com/jruere/multiprocessing-logging/issues/48
# models: the approach the maintainer points to: workers at module level log through a QueueHandler into a multiprocessing.Queue passed as an argument, and a QueueListener in the parent writes the records
# expect: clean (the target pickles by name and the queue is inherited through the Process arguments)
import logging
import logging.handlers
import multiprocessing


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def worker(queue, n):
    logger = logging.getLogger("mplog_test")
    logger.setLevel(logging.INFO)
    logger.addHandler(logging.handlers.QueueHandler(queue))
    logger.info("record %d from worker", n)


def main():
    queue = multiprocessing.Queue()
    sink = ListHandler()
    listener = logging.handlers.QueueListener(queue, sink)
    listener.start()
    procs = [multiprocessing.Process(target=worker, args=(queue, n)) for n in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    listener.stop()
    for line in sorted(sink.messages):
        print(line)


if __name__ == "__main__":
    main()
