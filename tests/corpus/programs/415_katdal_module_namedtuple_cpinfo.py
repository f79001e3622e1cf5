# source: https://github.com/ska-sa/katdal/pull/339
# models: the merged fix: CPInfo is defined at module level, so the index built by corrprod_index() and passed to the writer Process pickles by name
# expect: clean (the namedtuple class is found as __mp_main__.CPInfo in the spawned writer)
import multiprocessing
from collections import namedtuple

CPInfo = namedtuple("CPInfo", ["ant1_index", "ant2_index", "ant1", "ant2", "cp_index"])


def corrprod_index(corr_products):
    antennas = sorted({a[:-1] for pair in corr_products for a in pair})
    return [
        CPInfo(antennas.index(a[:-1]), antennas.index(b[:-1]), a, b, i)
        for i, (a, b) in enumerate(corr_products)
    ]


def ms_writer_process(work_queue, cp_info):
    for item in cp_info:
        work_queue.put("%s-%s:%d" % (item.ant1, item.ant2, item.cp_index))
    work_queue.put(None)


def main():
    cp_info = corrprod_index([("m000h", "m001h"), ("m000v", "m001v"), ("m001h", "m002h")])
    work_queue = multiprocessing.Queue()
    writer = multiprocessing.Process(target=ms_writer_process, args=(work_queue, cp_info))
    writer.start()
    while True:
        line = work_queue.get(timeout=5)
        if line is None:
            break
        print(line)
    writer.join()


if __name__ == "__main__":
    main()
