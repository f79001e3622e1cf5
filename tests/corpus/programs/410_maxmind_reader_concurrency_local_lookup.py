# source: https://github.com/maxmind/MaxMind-DB-Reader-python/pull/116
# models: a test helper checks the reader under concurrency: it defines a local lookup() function in the method and starts Processes with it as target, the reader (which keeps an mmap of the database) passed in args
# expect: fails-spawn: the Process object is pickled at start(); its target is a local function (AttributeError: Can't pickle local object 'BaseTestReader._check_concurrency.<locals>.lookup')
import mmap
import multiprocessing
import os
import tempfile


class Reader:
    def __init__(self, path):
        self._path = path
        with open(path, "rb") as fh:
            self._buffer = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)

    def get(self, key):
        return self._buffer[key : key + 4].decode()


class BaseTestReader:
    def __init__(self, path):
        self.path = path

    def _check_concurrency(self, reader):
        results = multiprocessing.Queue()

        def lookup(pipe, index):
            pipe.put((index, reader.get(index * 4)))

        processes = [
            multiprocessing.Process(target=lookup, args=(results, i)) for i in range(3)
        ]
        for proc in processes:
            proc.start()
        found = sorted(results.get(timeout=5) for _ in processes)
        for proc in processes:
            proc.join()
        return found

    def test_concurrency(self):
        reader = Reader(self.path)
        print("found", self._check_concurrency(reader))


def write_database():
    fd, path = tempfile.mkstemp(suffix=".mmdb")
    with os.fdopen(fd, "wb") as fh:
        fh.write(b"aaaabbbbcccc")
    return path


if __name__ == "__main__":
    BaseTestReader(write_database()).test_concurrency()
