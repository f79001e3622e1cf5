# source: https://github.com/python/cpython/issues/84376
# models: a worker reports a lazily evaluated result by putting a lambda on a multiprocessing.Queue; put() returns normally ("Success!") and the pickling error only appears later from the feeder thread
# expect: fails-spawn: the Queue's feeder thread fails to pickle the lambda, the item is lost, and the parent's get() waits forever (hang, every start method)
import multiprocessing


def worker(q, n):
    q.put(lambda: n * n)


if __name__ == "__main__":
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=worker, args=(q, 7))
    p.start()
    result = q.get()
    print("result:", result())
    p.join()
