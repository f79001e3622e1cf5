class Sequence:
    """keras.utils.Sequence: `__getitem__` and `__len__` run in the workers."""

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, index):
        raise NotImplementedError


class PyDataset:
    """Keras 3's keras.utils.PyDataset (keras/src/trainers/data_adapters/py_dataset_adapter.py:94-97,
    Keras 3.16): the worker settings live on the dataset, not in `fit()`'s arguments."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    @property
    def workers(self):
        # py_dataset_adapter.py:99-105: a subclass that never called super().__init__() gets 1/False.
        return getattr(self, "_workers", 1)

    @property
    def use_multiprocessing(self):
        return getattr(self, "_use_multiprocessing", False)

    def __iter__(self):
        # py_dataset_adapter.py:159-173: iterating it directly is serial.
        for i in range(len(self)):
            yield self[i]
