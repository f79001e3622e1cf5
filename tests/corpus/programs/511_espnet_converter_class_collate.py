# source: https://github.com/espnet/espnet/issues/1290
# models: the fix: the converter becomes a module-level class (CustomConverter) whose instance holds the subsampling factor and is given to the DataLoader as collate_fn
# expect: clean (the converter instance pickles by reference to its class plus its attributes)
import argparse

from torch.utils.data import DataLoader, Dataset


class TransformDataset(Dataset):
    def __init__(self, utts):
        self.utts = utts

    def __len__(self):
        return len(self.utts)

    def __getitem__(self, idx):
        return self.utts[idx]


class CustomConverter:
    def __init__(self, subsampling_factor=1, device="cpu"):
        self.subsampling_factor = subsampling_factor
        self.device = device

    def __call__(self, batch):
        xs = [utt["feat"][:: self.subsampling_factor] for utt in batch]
        return {"xs": xs, "device": self.device}


def train(args):
    converter = CustomConverter(subsampling_factor=args.subsample)
    dataset = TransformDataset([{"feat": list(range(i, i + 8))} for i in range(6)])
    loader = DataLoader(dataset, batch_size=2, shuffle=False, collate_fn=converter, num_workers=args.n_iter_processes)
    for epoch in range(1):
        for batch in loader:
            print(epoch, batch["xs"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--subsample", type=int, default=2)
    parser.add_argument("--n-iter-processes", dest="n_iter_processes", type=int, default=2)
    train(parser.parse_args())
