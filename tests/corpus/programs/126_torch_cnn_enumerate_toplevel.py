# source: https://github.com/pytorch/pytorch/issues/5858
# models: torch_CNN.py: `for i, (batch_x, batch_y) in enumerate(train_loader):` inside the epoch loop at module level (line 69 of the report, Windows)
# expect: fails-spawn: the DataLoader with num_workers > 0 is iterated at import time; the worker processes re-run the script while bootstrapping (RuntimeError)
import torch
import torch.utils.data as Data

x = torch.tensor([[i / 10.0] for i in range(20)])
y = torch.tensor([i % 2 for i in range(20)])
train_dataset = Data.TensorDataset(x, y)
train_loader = Data.DataLoader(dataset=train_dataset, batch_size=5, shuffle=True, num_workers=2)

for epoch in range(2):
    correct = 0
    for i, (batch_x, batch_y) in enumerate(train_loader):
        correct += sum(batch_y.tolist())
    print("epoch", epoch, "positives", correct)
