# source: https://github.com/maxmind/MaxMind-DB-Reader-python/pull/116
# models: the merged fix: the concurrency test keeps its local lookup() target and the mmap-backed reader, but starts the Processes from an explicit fork context
# expect: clean (a fork context never pickles the Process object, so the local target and the mmap stay in the forked memory)
import mmap
import multiprocessing
import os
import tempfile


class Reader:
    def __init__(self, path):
        with open(path, "rb") as fh:
            self._buffer = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)

    def get(self, key):
        return self._buffer[key : key + 4].decode()


class BaseTestReader:
    mp = multiprocessing.get_context("fork")

    def __init__(self, path):
        self.path = path

    def _check_concurrency(self, reader):
        results = self.mp.Queue()

        def lookup(pipe, index):
            pipe.put((index, reader.get(index * 4)))

        processes = [self.mp.Process(target=lookup, args=(results, i)) for i in range(3)]
        for proc in processes:
            proc.start()
        found = sorted(results.get(timeout=5) for _ in processes)
        for proc in processes:
            proc.join()
        return found

    def test_concurrency(self):
        print("found", self._check_concurrency(Reader(self.path)))


def write_database():
    fd, path = tempfile.mkstemp(suffix=".mmdb")
    with os.fdopen(fd, "wb") as fh:
        fh.write(b"aaaabbbbcccc")
    return path


if __name__ == "__main__":
    BaseTestReader(write_database()).test_concurrency()
