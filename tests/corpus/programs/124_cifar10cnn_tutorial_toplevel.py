# source: https://github.com/tinkerhub/ComputerVision-with-PyTorch-Learning-Program/issues/80
# models: the CIFAR-10 classifier tutorial script (cifar10cnn.py): trainloader with num_workers=2, then `for epoch in range(2): for i, data in enumerate(trainloader, 0):` at module level (Windows)
# expect: fails-spawn: the training loop at the top level iterates a multi-worker DataLoader while the main module is imported; each worker re-runs it while bootstrapping (RuntimeError)
import torch
import torch.utils.data


class FakeCIFAR10(torch.utils.data.Dataset):
    def __len__(self):
        return 16

    def __getitem__(self, i):
        return torch.tensor([(i * 3 + c) % 255 for c in range(3)]), i % 10


trainset = FakeCIFAR10()
trainloader = torch.utils.data.DataLoader(trainset, batch_size=4, shuffle=True, num_workers=2)

for epoch in range(2):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        running_loss += sum(labels.tolist()) / 10.0
    print("[%d] loss: %.3f" % (epoch + 1, running_loss))

print("Finished Training")
