# source: https://github.com/k2-fsa/icefall/pull/284
# models: a data module's train_dataloaders() defines worker_init_fn (seeding each worker from the rank) inside the method and passes it to the DataLoader; DDP training then failed pickling it
# expect: fails-spawn: the nested worker_init_fn is pickled with the worker arguments -> AttributeError: Can't pickle local object 'LibriSpeechAsrDataModule.train_dataloaders.<locals>.worker_init_fn'
import random

from torch.utils.data import DataLoader, Dataset


class CutSet(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, i):
        return i, random.randint(0, 9)


class LibriSpeechAsrDataModule:
    def __init__(self, seed=42):
        self.seed = seed

    def train_dataloaders(self, rank=0):
        def worker_init_fn(worker_id):
            random.seed(self.seed + 100 * rank + worker_id)

        return DataLoader(CutSet(), batch_size=3, num_workers=2, worker_init_fn=worker_init_fn)


if __name__ == "__main__":
    dm = LibriSpeechAsrDataModule()
    print([ids.tolist() for ids, _ in dm.train_dataloaders()])
