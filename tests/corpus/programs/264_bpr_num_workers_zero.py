# source: https://github.com/guoyang9/BPR-pytorch/issues/1
# models: the maintainer's answer ("set the num_worker to be 0 for this line"): the same module-level BPR training loop with DataLoader(..., num_workers=0)
# expect: clean (with num_workers=0 the loader reads the data in the main process and starts no worker)
import random

import torch.utils.data as data


class BPRData(data.Dataset):
    def __init__(self, features, num_item):
        self.features = features
        self.num_item = num_item
        self.features_fill = []

    def ng_sample(self):
        rng = random.Random(0)
        self.features_fill = [(u, i, rng.randrange(self.num_item)) for u, i in self.features]

    def __len__(self):
        return len(self.features_fill)

    def __getitem__(self, idx):
        return self.features_fill[idx]


train_dataset = BPRData([(u, u % 5) for u in range(12)], num_item=5)
train_loader = data.DataLoader(train_dataset, batch_size=4, shuffle=True, num_workers=0)

for epoch in range(2):
    train_loader.dataset.ng_sample()
    seen = 0
    for user, item_i, item_j in train_loader:
        seen += len(user)
    print("epoch", epoch, "samples", seen)
