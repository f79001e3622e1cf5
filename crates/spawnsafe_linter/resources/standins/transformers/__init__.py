"""Stand-in for the data loading of Hugging Face `transformers`' `Trainer`
(huggingface/transformers src/transformers/trainer.py, commit 000945a).

`Trainer._get_dataloader()` builds `DataLoader(dataset, batch_size=..., collate_fn=
data_collator, num_workers=self.args.dataloader_num_workers, ...)`, the collator wrapped
in `RemoveColumnsCollator(data_collator=...)` (trainer_utils.py) when the dataset is not a
`datasets.Dataset`; `get_train_dataloader()` does so for `train_dataset` and `train()`
iterates it; `evaluate()` does the same with `eval_dataset`. `TrainingArguments`'
`dataloader_num_workers` defaults to 0 (training_args.py). The loader is the torch
stand-in's, so `dataloader_num_workers > 0` starts worker processes that are given the
dataset and the wrapped collator. transformers needs PyTorch, which CI cannot install.
"""
from torch.utils.data import DataLoader


def default_data_collator(features):
    return list(features)


class TrainingArguments:
    def __init__(self, output_dir="tmp_trainer", per_device_train_batch_size=8,
                 per_device_eval_batch_size=8, num_train_epochs=1, dataloader_num_workers=0,
                 remove_unused_columns=True, report_to="none", **kwargs):
        self.output_dir = output_dir
        self.per_device_train_batch_size = per_device_train_batch_size
        self.per_device_eval_batch_size = per_device_eval_batch_size
        self.num_train_epochs = num_train_epochs
        self.dataloader_num_workers = dataloader_num_workers
        self.remove_unused_columns = remove_unused_columns


class RemoveColumnsCollator:
    def __init__(self, data_collator):
        self.data_collator = data_collator

    def __call__(self, features):
        return self.data_collator(features)


class Trainer:
    def __init__(self, model=None, args=None, data_collator=None, train_dataset=None,
                 eval_dataset=None, processing_class=None, compute_metrics=None, **kwargs):
        self.model = model
        self.args = args if args is not None else TrainingArguments()
        self.data_collator = data_collator or default_data_collator
        self.train_dataset = train_dataset
        self.eval_dataset = eval_dataset

    def _get_dataloader(self, dataset, batch_size):
        collator = self.data_collator
        if self.args.remove_unused_columns:
            collator = RemoveColumnsCollator(data_collator=collator)
        return DataLoader(dataset, batch_size=batch_size, collate_fn=collator,
                          num_workers=self.args.dataloader_num_workers)

    def get_train_dataloader(self):
        return self._get_dataloader(self.train_dataset, self.args.per_device_train_batch_size)

    def train(self):
        losses = []
        for _ in range(int(self.args.num_train_epochs)):
            for batch in self.get_train_dataloader():
                losses.append(self.model(batch))
        return losses

    def evaluate(self, eval_dataset=None):
        dataset = eval_dataset if eval_dataset is not None else self.eval_dataset
        loader = self._get_dataloader(dataset, self.args.per_device_eval_batch_size)
        return [self.model(batch) for batch in loader]
