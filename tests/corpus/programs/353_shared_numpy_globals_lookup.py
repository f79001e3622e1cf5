# source: https://github.com/widmi/multiprocess-shared-numpy-arrays/issues/2
# models: the parent registers each shared array under a name with globals()[name] = array, and the workers fetch it again with globals()[name]
# expect: fails-spawn: the spawned workers re-import the script without the registered names, so globals()[name] raises KeyError (fork copies the parent's globals)
from multiprocessing import Pool, RawArray


def register_shared(name, values):
    shared = RawArray("d", values)
    globals()[name] = shared
    return name


def column_sum(args):
    name, start, stop = args
    shared = globals()[name]
    return sum(shared[start:stop])


if __name__ == "__main__":
    name = register_shared("shared_data", [float(i) for i in range(10)])
    with Pool(2) as pool:
        print(pool.map(column_sum, [(name, 0, 5), (name, 5, 10)]))
