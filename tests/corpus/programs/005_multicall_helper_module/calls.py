from concurrent.futures import ProcessPoolExecutor


class Call:
    def __init__(self, method, arg):
        self.method = method
        self.arg = arg

    def __call__(self):
        return (self.arg, sum(map(ord, self.method + self.arg)))


def _run(call):
    return call()


def multi(calls):
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_run, calls))
