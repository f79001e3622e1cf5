# source: https://github.com/uqfoundation/multiprocess/issues/33
# models: a Pool.map callback validates records and returns (not raises) an exception object for the bad ones; the ValidationError's constructor takes one argument but passes two to Exception.__init__
# expect: fails-spawn: the returned exception is pickled with two args and unpickling it in the pool's result handler raises TypeError, so pool.map() never returns (every start method)
from multiprocessing import Pool


class ValidationError(Exception):
    def __init__(self, record):
        super().__init__("invalid record", record)


def check(record):
    if record.get("id") is None:
        return ValidationError(record)
    return record["id"]


def main():
    records = [{"id": 1}, {"id": None}, {"id": 3}]
    with Pool(2) as pool:
        results = pool.map(check, records)
    for result in results:
        print(repr(result))


if __name__ == "__main__":
    main()
