# source: https://github.com/catalyst-team/catalyst/issues/1024
# models: the same Config API loaders with the lambda worker_init_fn; the config keeps num_workers at 0
# expect: clean (the workaround from the thread: with num_workers 0 the loaders call the lambda in this process and pickle nothing)
import random
from collections import OrderedDict

from torch.utils.data import DataLoader, Dataset


def set_global_seed(seed):
    random.seed(seed)


class ListDataset(Dataset):
    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index] * 10


def get_loaders_from_params(batch_size=1, num_workers=0, drop_last=False, initial_seed=42, **data_params):
    loaders = OrderedDict()
    for name, items in data_params["datasets"].items():
        datasource = {
            "dataset": ListDataset(items),
            "batch_size": batch_size,
            "num_workers": num_workers,
            "drop_last": drop_last,
            "worker_init_fn": lambda x: set_global_seed(initial_seed + x),
        }
        loaders[name] = DataLoader(**datasource)
    return loaders


def run_experiment(config):
    loaders = get_loaders_from_params(**config["data_params"])
    for name, loader in loaders.items():
        print(name, [batch for batch in loader])


if __name__ == "__main__":
    config = {
        "data_params": {
            "batch_size": 2,
            "num_workers": 0,
            "datasets": {"train": [1, 2, 3, 4], "valid": [5, 6]},
        }
    }
    run_experiment(config)
