# source: https://github.com/likyoo/Siam-NestedUNet/issues/11
# models: the comment "Even when reducing the number of workers to 1, a freeze_support() error is being displayed": the module-level training loop with the loader's num_workers lowered to 1
# expect: fails-spawn: one worker is still a process that re-imports the script and iterates the loader while bootstrapping (RuntimeError)
from torch.utils.data import DataLoader, Dataset


class ChangeDetectionDataset(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        a, b = self.pairs[idx]
        return [a], [b], int(a != b)


opt = {"batch_size": 5, "num_workers": 1, "epochs": 1}
train_loader = DataLoader(ChangeDetectionDataset([(i, i % 3) for i in range(10)]),
                          batch_size=opt["batch_size"], shuffle=True, num_workers=opt["num_workers"])

for epoch in range(opt["epochs"]):
    changed = 0
    for batch_img1, batch_img2, labels in train_loader:
        changed += sum(labels)
    print("epoch", epoch, "changed", changed)
