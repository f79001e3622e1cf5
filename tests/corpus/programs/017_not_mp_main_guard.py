# source: https://github.com/pybind/pybind11/issues/2045
# models: a script that only needs to keep its driver out of the spawned children checks `if __name__ != "__mp_main__":`, the name the children import it under
# expect: clean (under spawn the children import the script as __mp_main__, so the block is skipped there)
import multiprocessing


def checksum(block):
    return block, sum(range(block * 100, block * 100 + 100)) % 9973


if __name__ != "__mp_main__":
    with multiprocessing.Pool(2) as pool:
        for block, value in pool.map(checksum, range(5)):
            print(block, value)
