class Sequence:
    """keras.utils.Sequence: `__getitem__` and `__len__` run in the workers."""

    def __len__(self):
        raise NotImplementedError

    def __getitem__(self, index):
        raise NotImplementedError
