# source: https://github.com/Kaszanas/SC2_Datasets/issues/11
# models: an experiment script (logistic_regression.py) that builds a LightningDataModule with num_workers raised as Lightning suggested and calls trainer.fit at module level, on Windows
# expect: fails-spawn: fit() iterates the datamodule's DataLoader(num_workers=4) while the script is being imported -> RuntimeError: An attempt has been made to start a new process before the current process has finished its bootstrapping phase
import pytorch_lightning as pl
from torch.utils.data import DataLoader, Dataset


class SC2ReplayDataset(Dataset):
    def __init__(self, n_replays):
        self.samples = [(i % 3, float(i)) for i in range(n_replays)]

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        return self.samples[index]


class SC2EGSetDataModule(pl.LightningDataModule):
    def __init__(self, batch_size=4, num_workers=4):
        super().__init__()
        self.batch_size = batch_size
        self.num_workers = num_workers

    def setup(self, stage=None):
        self.train_dataset = SC2ReplayDataset(12)
        self.val_dataset = SC2ReplayDataset(4)

    def train_dataloader(self):
        return DataLoader(self.train_dataset, batch_size=self.batch_size, num_workers=self.num_workers)

    def val_dataloader(self):
        return DataLoader(self.val_dataset, batch_size=self.batch_size, num_workers=self.num_workers)


class LogisticRegression(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def training_step(self, batch, batch_idx):
        self.batches += 1

    def validation_step(self, batch, batch_idx):
        pass


datamodule = SC2EGSetDataModule(batch_size=4, num_workers=4)
datamodule.setup()
model = LogisticRegression()
trainer = pl.Trainer(max_epochs=1)
trainer.fit(model, datamodule=datamodule)
print("trained on", model.batches, "batches")
