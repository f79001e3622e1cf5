# source: https://github.com/HazyResearch/cartridges/issues/20
# models: train() builds `DataLoader(dataset, batch_size=1, collate_fn=lambda x: x[0], num_workers=1)`; invisible on Linux, fails on Windows
# expect: fails-spawn: the lambda defined inside train() cannot be pickled for the worker -> AttributeError: Can't pickle local object 'train.<locals>.<lambda>'
from torch.utils.data import DataLoader, Dataset


class PackedDataset(Dataset):
    def __init__(self, docs):
        self.docs = docs

    def __len__(self):
        return len(self.docs)

    def __getitem__(self, i):
        return {"tokens": self.docs[i].split(), "id": i}


def train(config):
    dataset = PackedDataset(config["docs"])
    dataloader = DataLoader(dataset, batch_size=1, collate_fn=lambda x: x[0], num_workers=1)
    steps = 0
    for batch in dataloader:
        steps += len(batch["tokens"])
    return steps


if __name__ == "__main__":
    print("tokens seen:", train({"docs": ["a b c", "d e", "f"]}))
