"""Stand-in for PyTorch Lightning's data hooks (Lightning-AI/pytorch-lightning 7f0c343).

`Trainer.fit(model, train_dataloaders=None, val_dataloaders=None, datamodule=None)`
(src/lightning/pytorch/trainer/trainer.py:528-534) takes a LightningDataModule passed as
`train_dataloaders` as the datamodule (trainer.py:613-615); the loaders come from what is
given, else the datamodule, else the model (trainer/connectors/data_connector.py:142,157-161),
whose hook is called by name (data_connector.py:292-302). `_run_stage()` runs the sanity check
on `val_dataloader()` (`num_sanity_val_steps` defaults to 2, trainer.py:417-418) and then
`fit_loop.run()`, which calls `train_dataloader()` and iterates it (loops/fit_loop.py:237,276).
Iterating a torch `DataLoader(num_workers>0)` starts its workers (the torch stand-in).
`validate`/`test`/`predict` iterate `val_`/`test_`/`predict_dataloader()` the same way.
The default strategy runs in this process; no spawn strategy is modelled here.
"""


class LightningModule:
    def training_step(self, batch, batch_idx):
        raise NotImplementedError

    def validation_step(self, batch, batch_idx):
        return None


class LightningDataModule:
    pass


def _loaders(given, source, hook):
    if given is not None:
        return given
    method = getattr(source, hook, None)
    return method() if method is not None else None


class Trainer:
    def __init__(self, max_epochs=1, num_sanity_val_steps=None, strategy="auto", accelerator="auto",
                 devices="auto", **kwargs):
        self.max_epochs = max_epochs
        self.num_sanity_val_steps = 2 if num_sanity_val_steps is None else num_sanity_val_steps

    def fit(self, model, train_dataloaders=None, val_dataloaders=None, datamodule=None, ckpt_path=None):
        if isinstance(train_dataloaders, LightningDataModule):
            datamodule, train_dataloaders = train_dataloaders, None
        source = datamodule if datamodule is not None else model
        val = _loaders(val_dataloaders, source, "val_dataloader")
        if val is not None and self.num_sanity_val_steps:
            for batch_idx, batch in enumerate(val):
                if batch_idx >= self.num_sanity_val_steps:
                    break
                model.validation_step(batch, batch_idx)
        train = _loaders(train_dataloaders, source, "train_dataloader")
        for _ in range(self.max_epochs):
            for batch_idx, batch in enumerate(train):
                model.training_step(batch, batch_idx)
            if val is not None:
                for batch_idx, batch in enumerate(val):
                    model.validation_step(batch, batch_idx)

    def _evaluate(self, model, dataloaders, datamodule, hook, step):
        if isinstance(dataloaders, LightningDataModule):
            datamodule, dataloaders = dataloaders, None
        loaders = _loaders(dataloaders, datamodule if datamodule is not None else model, hook)
        return [getattr(model, step)(batch, batch_idx) for batch_idx, batch in enumerate(loaders)]

    def validate(self, model=None, dataloaders=None, ckpt_path=None, verbose=True, datamodule=None):
        return self._evaluate(model, dataloaders, datamodule, "val_dataloader", "validation_step")

    def test(self, model=None, dataloaders=None, ckpt_path=None, verbose=True, datamodule=None):
        return self._evaluate(model, dataloaders, datamodule, "test_dataloader", "test_step")
