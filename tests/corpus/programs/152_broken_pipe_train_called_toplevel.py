# source: https://github.com/pytorch/pytorch/issues/2341
# models: the official tutorial code run on Windows 10: the loop calls train(epoch) at module level, and train() iterates a loader with num_workers=2 ("BrokenPipeError: [Errno 32] Broken pipe")
# expect: fails-spawn: train() runs at import time and starts DataLoader workers; the workers re-import the script and start workers again while bootstrapping (RuntimeError; the parent sees the pipe break)
import torch
from torch.utils.data import DataLoader, TensorDataset

data = TensorDataset(torch.tensor([[i, i + 1] for i in range(8)]), torch.tensor([i % 2 for i in range(8)]))
loader = DataLoader(data, batch_size=4, shuffle=True, num_workers=2)


def train(epoch):
    seen = 0
    for batch_idx, (inputs, targets) in enumerate(loader):
        seen += len(targets)
    print("Train Epoch:", epoch, "samples:", seen)


for epoch in range(1, 3):
    train(epoch)
