# source: https://github.com/mrdbourke/pytorch-deep-learning/issues/1061
# models: a course script builds the image-folder dataset and a DataLoader with num_workers=1 at the top of the file and loops over a batch, with no main guard
# expect: fails-spawn: the worker re-imports the script, which iterates the loader again while bootstrapping (RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase) and the parent reports the dead worker
import os

import torch
from torch.utils.data import DataLoader, Dataset

BATCH_SIZE = 2
NUM_WORKERS = 1


class ImageFolderCustom(Dataset):
    def __init__(self, targ_dir):
        self.paths = ["%s/pizza_%d.jpg" % (targ_dir, i) for i in range(4)]
        self.classes = ["pizza", "steak", "sushi"]

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, index):
        return os.path.basename(self.paths[index]), index % len(self.classes)


train_data_simple = ImageFolderCustom("data/pizza_steak_sushi/train")

train_dataloader = DataLoader(
    dataset=train_data_simple,
    batch_size=BATCH_SIZE,
    shuffle=True,
    num_workers=NUM_WORKERS,
)

img_batch, label_batch = next(iter(train_dataloader))
print(len(img_batch), len(label_batch))
