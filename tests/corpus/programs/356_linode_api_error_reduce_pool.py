# source: https://github.com/tjfontaine/linode-python/pull/22
# models: the API client's ApiError takes the error list and a status; the merged fix gives it a __reduce__ that rebuilds it from both, so a Pool worker can raise it and the parent handles it
# expect: clean (__reduce__ returns the class and both arguments, so the exception unpickles in the parent)
from multiprocessing import Pool


class ApiError(Exception):
    def __init__(self, value, status):
        self.value = value
        self.status = status
        super().__init__(f"{status}: {value}")

    def __reduce__(self):
        return (self.__class__, (self.value, self.status))


def worker(linode_id):
    if linode_id % 3 == 0:
        raise ApiError([{"ERRORMESSAGE": "Object not found"}], 404)
    return linode_id * 10


def collect(ids):
    results = []
    with Pool(processes=2) as pool:
        for linode_id in ids:
            try:
                results.append(pool.apply_async(worker, (linode_id,)).get())
            except ApiError as err:
                results.append(f"error {err.status}")
    return results


if __name__ == "__main__":
    print(collect([1, 2, 3, 4]))
