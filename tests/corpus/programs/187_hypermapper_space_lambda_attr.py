# source: https://github.com/luinardi/hypermapper/issues/56
# models: an optimizer's Space object builds lambda converters in __init__ and the local search hands the Space to worker processes (Windows 10, conda: "Can't pickle local object 'Space.__init__.<locals>.<lambda>'")
# expect: fails-spawn: the Space instance in Process args carries lambdas made in __init__ -> AttributeError: Can't pickle local object 'Space.__init__.<locals>.<lambda>'
import multiprocessing


class Space:
    def __init__(self, params):
        self.params = params
        self.normalize = {name: (lambda v, lo=lo, hi=hi: (v - lo) / (hi - lo)) for name, (lo, hi) in params.items()}

    def evaluate(self, config):
        return round(sum(self.normalize[k](v) for k, v in config.items()), 3)


def local_search(space, configs, out):
    out.put([space.evaluate(c) for c in configs])


if __name__ == "__main__":
    space = Space({"x": (0, 10), "y": (-5, 5)})
    out = multiprocessing.Queue()
    process = multiprocessing.Process(target=local_search, args=(space, [{"x": 5, "y": 0}, {"x": 10, "y": 5}], out))
    process.start()
    print(out.get(timeout=10))
    process.join()
