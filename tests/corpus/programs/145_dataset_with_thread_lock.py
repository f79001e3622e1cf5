# source: https://github.com/pytorch/pytorch/issues/51836
# models: a TTS dataset guards its lazily opened feature cache with a threading.Lock created in __init__; with spawn or forkserver workers the loader fails
# expect: fails-spawn: the dataset is pickled for each worker, with its lock -> TypeError: cannot pickle '_thread.lock' object
import threading

from torch.utils.data import DataLoader, Dataset


class FeatureDataset(Dataset):
    def __init__(self, utterances):
        self.utterances = utterances
        self._cache = {}
        self._lock = threading.Lock()

    def __len__(self):
        return len(self.utterances)

    def __getitem__(self, i):
        with self._lock:
            if i not in self._cache:
                self._cache[i] = [ord(c) % 13 for c in self.utterances[i]]
        return sum(self._cache[i])


if __name__ == "__main__":
    loader = DataLoader(FeatureDataset(["hello", "world", "speech", "synth"]), batch_size=2, num_workers=2)
    print([b.tolist() for b in loader])
