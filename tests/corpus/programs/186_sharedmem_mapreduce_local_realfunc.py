# source: https://github.com/rainwoodman/sharedmem/issues/18
# models: a MapReduce helper's map() wraps the user's work function in a nested realfunc and starts one multiprocessing.Process per slave with target=realfunc (win32, Python 3.7: "Can't pickle local object 'MapReduce.map.<locals>.realfunc'")
# expect: fails-spawn: the Process target is a function nested in a method -> AttributeError: Can't pickle local object 'MapReduce.map.<locals>.realfunc'
import multiprocessing


class MapReduce:
    def __init__(self, np=2):
        self.np = np

    def map(self, func, sequence):
        results = multiprocessing.Queue()

        def realfunc(i, chunk):
            results.put((i, [func(x) for x in chunk]))

        chunks = [sequence[i::self.np] for i in range(self.np)]
        slaves = [multiprocessing.Process(target=realfunc, args=(i, c)) for i, c in enumerate(chunks)]
        for s in slaves:
            s.start()
        out = dict(results.get(timeout=10) for _ in slaves)
        for s in slaves:
            s.join()
        return [y for i in sorted(out) for y in out[i]]


def work(x):
    return x * x


if __name__ == "__main__":
    print(sorted(MapReduce().map(work, list(range(8)))))
