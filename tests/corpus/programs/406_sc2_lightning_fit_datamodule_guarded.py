# source: https://github.com/Kaszanas/SC2_Datasets/issues/11
# models: the same experiment script after the fix: the module level only defines the data module and model, and the training runs from main() under the guard
# expect: clean (the workers re-import the script as __mp_main__ and skip the guarded training)
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


def main():
    datamodule = SC2EGSetDataModule(batch_size=4, num_workers=4)
    datamodule.setup()
    model = LogisticRegression()
    trainer = pl.Trainer(max_epochs=1)
    trainer.fit(model, datamodule=datamodule)
    print("trained on", model.batches, "batches")


if __name__ == "__main__":
    main()
