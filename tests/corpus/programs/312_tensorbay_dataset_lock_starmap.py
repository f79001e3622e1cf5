# source: https://github.com/Graviti-AI/tensorbay-python-sdk/pull/545
# models: the SDK's Dataset keeps a threading.Lock (to avoid redundant requests) and the user uploads segments by handing the dataset to a multiprocessing pool with starmap
# expect: fails-spawn: every task pickles the Dataset with its _lock, raising "TypeError: cannot pickle '_thread.lock' object" (every start method)
import threading
from multiprocessing import Pool


class Segment:
    def __init__(self, name, files):
        self.name = name
        self.files = files


class Dataset:
    def __init__(self, name):
        self.name = name
        self._segments = {}
        self._lock = threading.Lock()

    def create_segment(self, name, files):
        with self._lock:
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
