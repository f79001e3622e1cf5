# source: https://github.com/HazyResearch/cartridges/issues/20
# models: the other fix suggested in the issue: keep the lambda collate but make num_workers configurable, 0 on Windows ("with 0 workers nothing is pickled")
# expect: clean (num_workers=0: the lambda is called in the main process only)
import argparse

from torch.utils.data import DataLoader, Dataset


class PackedDataset(Dataset):
    def __init__(self, docs):
        self.docs = docs

    def __len__(self):
        return len(self.docs)

    def __getitem__(self, i):
        return {"tokens": self.docs[i].split(), "id": i}


def train(docs, num_workers):
    dataloader = DataLoader(PackedDataset(docs), batch_size=1, collate_fn=lambda x: x[0], num_workers=num_workers)
    return sum(len(batch["tokens"]) for batch in dataloader)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--num-workers", type=int, default=0)
    args = parser.parse_args()
    print("tokens seen:", train(["a b c", "d e", "f"], args.num_workers))
