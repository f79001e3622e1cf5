# source: https://github.com/ska-sa/katdal/pull/339
# models: mvftoms builds the correlation-product index with a CPInfo namedtuple defined inside corrprod_index() and hands the result to the writer Process through its args
# expect: fails-spawn: the CPInfo instances in the Process args pickle their class by name and it is local to the function (PicklingError: Can't pickle <class '__main__.CPInfo'>: attribute lookup CPInfo on __main__ failed)
import multiprocessing
from collections import namedtuple


def corrprod_index(corr_products):
    CPInfo = namedtuple("CPInfo", ["ant1_index", "ant2_index", "ant1", "ant2", "cp_index"])
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
