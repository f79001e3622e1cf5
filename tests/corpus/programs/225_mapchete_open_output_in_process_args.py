# source: https://github.com/mapchete/mapchete/issues/173
# models: a single-file output writer opened by the parent is handed to the worker process that writes tiles into it
# expect: fails-spawn: the writer's open file is pickled with the Process arguments -> TypeError: cannot pickle '_io.BufferedWriter' object (fork inherits the open file and works)
import multiprocessing
import os
import tempfile


class OutputDataWriter:
    def __init__(self, path):
        self.path = path
        self.fh = open(path, "wb")

    def write(self, tile, data):
        self.fh.write(f"{tile}:{data}\n".encode())
        self.fh.flush()


def _process_worker(writer, tiles):
    for tile in tiles:
        writer.write(tile, tile * 2)


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "out.txt")
    writer = OutputDataWriter(path)
    p = multiprocessing.Process(target=_process_worker, args=(writer, [1, 2, 3]))
    p.start()
    p.join()
    writer.fh.close()
    with open(path) as f:
        print(f.read().split())
