# source: https://github.com/Graviti-AI/tensorbay-python-sdk/pull/545
# models: the merged fix: the Dataset no longer holds a lock; a module-level lock pool hands out threading.Lock objects by key when a request is sent
# expect: clean (the Dataset pickles only its name and segments; each process builds its own lock pool on import)
from collections import defaultdict
import threading
from multiprocessing import Pool

_LOCKS = defaultdict(threading.Lock)


class Segment:
    def __init__(self, name, files):
        self.name = name
        self.files = files


class Dataset:
    def __init__(self, name):
        self.name = name
        self._segments = {}

    def create_segment(self, name, files):
        with _LOCKS[(self.name, name)]:
            segment = self._segments.setdefault(name, Segment(name, files))
        return segment

    def __getitem__(self, name):
        return self._segments[name]


def upload_segment(dataset, segment_name):
    segment = dataset[segment_name]
    return f"{dataset.name}/{segment.name}: {len(segment.files)} files"


if __name__ == "__main__":
    dataset = Dataset("BSTLD")
    for name in ("train", "test"):
        dataset.create_segment(name, [f"{name}_{i}.png" for i in range(3)])
    with Pool(2) as pool:
        for line in pool.starmap(upload_segment, [(dataset, name) for name in ("train", "test")]):
            print(line)
