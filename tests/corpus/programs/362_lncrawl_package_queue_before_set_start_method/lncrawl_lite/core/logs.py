import multiprocessing

log_queue = multiprocessing.Queue()


def drain(count):
    return [log_queue.get(timeout=5) for _ in range(count)]
