# source: https://github.com/karaketir16/file2video/issues/4
# models: the fix the report proposes: the codec settings reach every worker through the Pool initializer, which sets the module globals in each child
# expect: clean (initializer and initargs run in each spawned worker before its tasks)
import argparse
from multiprocessing import Pool

rs = None
grid_size = None


class RSCodec:
    """Stand-in for reedsolo.RSCodec: appends nsym parity bytes."""

    def __init__(self, nsym):
        self.nsym = nsym

    def encode(self, data):
        parity = sum(data) % 256
        return bytes(data) + bytes([parity]) * self.nsym


def init_worker(nsym, grid):
    global rs, grid_size
    rs = RSCodec(nsym)
    grid_size = grid


def process_chunk(args):
    index, chunk = args
    encoded = rs.encode(chunk)
    cells = (len(encoded) * 8 + grid_size * grid_size - 1) // (grid_size * grid_size)
    return index, len(encoded), cells


def encode_file(data, nsym, grid, workers):
    chunks = [data[i:i + 16] for i in range(0, len(data), 16)]
    with Pool(workers, initializer=init_worker, initargs=(nsym, grid)) as pool:
        results = pool.map(process_chunk, list(enumerate(chunks)))
    for index, size, cells in results:
        print("frame", index, "bytes", size, "cells", cells)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--nsym", type=int, default=10)
    parser.add_argument("--grid", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    encode_file(b"The quick brown fox jumps over the lazy dog" * 2, args.nsym, args.grid, args.workers)
