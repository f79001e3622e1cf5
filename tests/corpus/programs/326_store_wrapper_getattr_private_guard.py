# source: https://github.com/developmentseed/obspec-utils/issues/30
# models: the fix proposed in the issue: the caching store's __getattr__ refuses private names, so the lookups made while unpickling raise AttributeError instead of recursing; stores are sent to pool workers
# expect: clean (while unpickling, __getattr__('__setstate__') and friends raise AttributeError, so the store is restored normally)
from concurrent.futures import ProcessPoolExecutor


class MemoryStore:
    def __init__(self, objects):
        self._objects = objects

    def get(self, key):
        return self._objects[key]


class CachingReadableStore:
    def __init__(self, store):
        self._store = store
        self._cache = {}

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._store, name)


def read_chunk(store, key):
    return f"{key}: {len(store.get(key))} bytes"


if __name__ == "__main__":
    store = CachingReadableStore(MemoryStore({"a/0.0": b"xyz", "a/0.1": b"abcdef"}))
    with ProcessPoolExecutor(max_workers=2) as executor:
        for line in executor.map(read_chunk, [store, store], ["a/0.0", "a/0.1"]):
            print(line)
