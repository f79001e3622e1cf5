# source: https://github.com/python/cpython/issues/103061
# models: a worker raises a custom exception whose __init__ takes a Stuff object and passes only stuff.two to Exception.__init__
# expect: fails-spawn: the exception is re-created in the parent from self.args (2), so MyExc(2) fails with AttributeError in the pool's result thread and pool.map never returns (hang, every start method)
import multiprocessing


class MyExc(Exception):
    def __init__(self, stuff):
        super().__init__(stuff.two)


class Stuff:
    def __init__(self):
        self.one = 1
        self.two = 2


def run(_):
    raise MyExc(Stuff())


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        try:
            pool.map(run, [1])
        except MyExc as e:
            print("caught", e)
