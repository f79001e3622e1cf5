# source: https://github.com/pyg-team/pytorch_geometric/issues/3363
# models: a graph example script defines train() and test() functions that iterate loaders with num_workers and calls them in a top-level `for epoch in range(1, 3):` loop ("num_workers in PyG examples gives error" on Windows)
# expect: fails-spawn: train() is called at import time and iterates a multi-worker DataLoader; the workers re-import the script and call train() again while bootstrapping (RuntimeError)
import torch
from torch.utils.data import DataLoader, Dataset


class GraphDataset(Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, idx):
        return torch.tensor([idx, (idx * 7) % 10]), idx % 2


train_loader = DataLoader(GraphDataset(), batch_size=5, shuffle=True, num_workers=2)


def train():
    total = 0
    for x, y in train_loader:
        total += sum(y.tolist())
    return total


for epoch in range(1, 3):
    loss = train()
    print(f"Epoch: {epoch:02d}, Loss: {loss}")
