# source: https://github.com/guoyang9/BPR-pytorch/issues/1
# models: BPR-pytorch's main.py: argparse, a BPRData dataset with ng_sample(), a DataLoader with num_workers=4, and the epoch loop (train_loader.dataset.ng_sample(); for user, item_i, item_j in train_loader) all at module level
# expect: fails-spawn: the epoch loop iterates the loader while main.py is being imported, so every worker re-runs main.py and starts its own workers (RuntimeError: bootstrapping phase)
import argparse
import random

import torch.utils.data as data

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=2)
parser.add_argument("--batch_size", type=int, default=4)
args = parser.parse_args()


class BPRData(data.Dataset):
    def __init__(self, features, num_item, num_ng=1):
        self.features = features
        self.num_item = num_item
        self.num_ng = num_ng
        self.features_fill = []

    def ng_sample(self):
        rng = random.Random(0)
        self.features_fill = [(u, i, rng.randrange(self.num_item)) for u, i in self.features]

    def __len__(self):
        return len(self.features_fill)

    def __getitem__(self, idx):
        return self.features_fill[idx]


train_data = [(u, u % 5) for u in range(12)]
train_dataset = BPRData(train_data, num_item=5, num_ng=4)
train_loader = data.DataLoader(train_dataset, batch_size=args.batch_size, shuffle=True, num_workers=4)

for epoch in range(args.epochs):
    train_loader.dataset.ng_sample()
    seen = 0
    for user, item_i, item_j in train_loader:
        seen += len(user)
    print("epoch", epoch, "samples", seen)
