# source: https://github.com/fabiocaccamo/python-benedict/issues/6
# models: pool workers return lists of keypath dictionaries -- a dict subclass whose __setitem__ checks a separator attribute set in __init__
# expect: fails-spawn: unpickling fills the dict items before the instance attributes, so __setitem__ fails with AttributeError: 'benedict' object has no attribute '_keypath_separator' in the pool's result thread and the map hangs (every start method)
import multiprocessing


class benedict(dict):
    def __init__(self, *args, keypath_separator=".", **kwargs):
        self._keypath_separator = keypath_separator
        super().__init__()
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __setitem__(self, key, value):
        if self._keypath_separator in str(key):
            raise ValueError(f"keys must not contain {self._keypath_separator!r}")
        super().__setitem__(key, value)


def load_profile(user):
    return [benedict({"name": user, "age": len(user) * 10})]


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        profiles = pool.map(load_profile, ["alice", "bob"])
    print([p[0]["name"] for p in profiles])
