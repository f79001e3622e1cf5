import multiprocess.pool as mp


class Test:
    def __init__(self, f):
        self.f = f

    def method(self, data):
        return workers.map(self.f, data)


if __name__ == "__main__":
    raise RuntimeError
else:
    workers = mp.Pool(processes=2)
