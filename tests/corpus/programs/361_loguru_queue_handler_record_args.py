# source: https://github.com/Delgan/loguru/issues/826
# models: workers log through a logging.handlers.QueueHandler on a multiprocessing Queue that a QueueListener in the parent drains; a worker logs a message whose argument is an open socket
# expect: clean (QueueHandler.prepare() formats the message and clears args and exc_info before the record is queued, so only strings cross the queue)
import logging
import logging.handlers
import socket
import sys
from multiprocessing import Pool, Queue


def init_worker(log_queue):
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(log_queue)]
    root.setLevel(logging.INFO)


def probe(port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        logging.getLogger("probe").info("created %s for port %d", sock.family, port)
    finally:
        sock.close()
    return port


if __name__ == "__main__":
    log_queue = Queue()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    listener = logging.handlers.QueueListener(log_queue, handler)
    listener.start()
    with Pool(2, initializer=init_worker, initargs=(log_queue,)) as pool:
        ports = pool.map(probe, [8080, 8081])
    listener.stop()
    print("probed", ports)
