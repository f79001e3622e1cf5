import multiprocessing

from .core.logs import log_queue, drain


def download(chapter):
    return f"chapter {chapter}: {len(str(chapter)) * 100} words"


def main():
    multiprocessing.set_start_method("spawn")
    with multiprocessing.Pool(2) as pool:
        for line in pool.map(download, [1, 2, 3]):
            log_queue.put(line)
    for line in drain(3):
        print(line)
    return 0
