from .dataloader import DataLoader, default_collate, get_worker_info  # noqa: F401
from .dataset import Dataset, IterableDataset, TensorDataset  # noqa: F401
