# source: https://github.com/espnet/espnet/issues/1290
# models: train(args) defines the batch converter _tr_converter inside itself (closing over the device and the subsampling factor) and gives it to the DataLoader as collate_fn with worker processes
# expect: fails-spawn: iterating the loader pickles collate_fn for each worker: Can't pickle local object 'train.<locals>._tr_converter'
import argparse

from torch.utils.data import DataLoader, Dataset


class TransformDataset(Dataset):
    def __init__(self, utts):
        self.utts = utts

    def __len__(self):
        return len(self.utts)

    def __getitem__(self, idx):
        return self.utts[idx]


def train(args):
    device = "cpu"
    subsampling = args.subsample

    def _tr_converter(batch):
        xs = [utt["feat"][::subsampling] for utt in batch]
        return {"xs": xs, "device": device}

    dataset = TransformDataset([{"feat": list(range(i, i + 8))} for i in range(6)])
    loader = DataLoader(dataset, batch_size=2, shuffle=False, collate_fn=_tr_converter, num_workers=args.n_iter_processes)
    for epoch in range(1):
        for batch in loader:
            print(epoch, batch["xs"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--subsample", type=int, default=2)
    parser.add_argument("--n-iter-processes", dest="n_iter_processes", type=int, default=2)
    train(parser.parse_args())
