# source: https://github.com/giampaolo/psutil/issues/461
# models: a module-level namedtuple is stored under a variable whose name differs from the type name it was created with; a pool worker returns one
# expect: fails-spawn: the result pickles its class by the name 'usage', which the worker's main module does not have, so sending it back fails (every start method)
from collections import namedtuple
from multiprocessing import Pool

nt_diskinfo = namedtuple("usage", "total used free percent")


def disk_usage(path):
    total, used = 1000, 250 + len(path)
    return nt_diskinfo(total, used, total - used, round(used / total * 100, 1))


if __name__ == "__main__":
    with Pool(2) as pool:
        for usage in pool.map(disk_usage, ["/", "/home"]):
            print(usage.percent)
