# source: https://github.com/pytorch/pytorch/issues/22585
# models: a dataset stores a loader function wrapped by a caching decorator that returns a nested function (no functools.wraps); with the spawn start method the DataLoader fails with an error about 'deco' that the user could not place
# expect: fails-spawn: the dataset attribute is the decorator's inner function -> AttributeError: Can't pickle local object 'cached.<locals>.deco'
from torch.utils.data import DataLoader, Dataset


def cached(fn):
    cache = {}

    def deco(key):
        if key not in cache:
            cache[key] = fn(key)
        return cache[key]
    return deco


def load_audio(path):
    return [len(path), sum(map(ord, path)) % 97]


class AudioDataset(Dataset):
    def __init__(self, paths):
        self.paths = paths
        self.load = cached(load_audio)

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        return self.load(self.paths[i])


def train(start_epoch):
    train_loader = DataLoader(AudioDataset(["a.wav", "bb.wav", "ccc.wav"]), batch_size=3, num_workers=2,
                              multiprocessing_context="spawn")
    for i, data in enumerate(train_loader, start=start_epoch):
        print(i, [t.tolist() for t in data])


if __name__ == "__main__":
    train(0)
