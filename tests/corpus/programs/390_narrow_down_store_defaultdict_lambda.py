# source: https://github.com/chr1st1ank/narrow-down/issues/12
# models: an in-memory store keeps its buckets in defaultdict(lambda: defaultdict(set)) created in __init__; the store is passed with each query to Pool.starmap
# expect: fails-spawn: task arguments are pickled and the defaultdict's default_factory is a lambda: AttributeError: Can't pickle local object 'InMemoryStore.__init__.<locals>.<lambda>' (every start method)
from collections import defaultdict
from multiprocessing import Pool


class InMemoryStore:
    def __init__(self):
        self.buckets = defaultdict(lambda: defaultdict(set))

    def add(self, band, key, doc_id):
        self.buckets[band][key].add(doc_id)

    def query(self, band, key):
        return sorted(self.buckets[band][key])


def lookup(store, band, key):
    return store.query(band, key)


if __name__ == "__main__":
    store = InMemoryStore()
    store.add(0, "ab", 1)
    store.add(0, "ab", 2)
    store.add(1, "cd", 3)
    with Pool(2) as pool:
        print(pool.starmap(lookup, [(store, 0, "ab"), (store, 1, "cd")]))
