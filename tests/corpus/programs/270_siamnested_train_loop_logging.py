# source: https://github.com/likyoo/Siam-NestedUNet/issues/35
# models: Siam-NestedUNet's train.py on Windows: logging.basicConfig and logging.info("STARTING Dataset Creation") ... at module level, then `for batch_img1, batch_img2, labels in tbar:` over the train loader, also at module level (the log lines appear twice before the traceback)
# expect: fails-spawn: the loader's workers re-import train.py, log the startup again and iterate the loader while bootstrapping (RuntimeError)
import logging

from torch.utils.data import DataLoader, Dataset

logging.basicConfig(level=logging.INFO)


class ChangeDetectionDataset(Dataset):
    def __init__(self, pairs):
        self.pairs = pairs

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, idx):
        a, b = self.pairs[idx]
        return [a], [b], int(a != b)


logging.info("STARTING Dataset Creation")
train_dataset = ChangeDetectionDataset([(i, i % 3) for i in range(10)])
logging.info("STARTING Dataloading")
train_loader = DataLoader(train_dataset, batch_size=5, shuffle=True, num_workers=2)
logging.info("STARTING training")
for epoch in range(1):
    changed = 0
    tbar = train_loader
    for batch_img1, batch_img2, labels in tbar:
        changed += sum(labels)
    print("epoch", epoch, "changed", changed)
