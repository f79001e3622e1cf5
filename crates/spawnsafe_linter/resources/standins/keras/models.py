import multiprocessing
import multiprocessing.dummy

_SHARED_SEQUENCES = {}


def _init_pool(seqs):
    # keras/utils/data_utils.py init_pool_generator: the workers' copy of the sequences.
    global _SHARED_SEQUENCES
    _SHARED_SEQUENCES = seqs


def _get_index(uid, i):
    return _SHARED_SEQUENCES[uid][i]


class Sequential:
    def __init__(self, layers=None):
        self.layers = list(layers or [])

    def add(self, layer):
        self.layers.append(layer)

    def compile(self, optimizer=None, loss=None, metrics=None):
        self.compiled = True

    def fit(self, x=None, y=None, epochs=1, verbose=1, workers=1, use_multiprocessing=False, **kwargs):
        from .utils import PyDataset

        if isinstance(x, PyDataset):
            # Keras 3: PyDatasetAdapter reads the dataset's own settings
            # (py_dataset_adapter.py:223-233; data_adapters/__init__.py:83-97).
            workers, use_multiprocessing = x.workers, x.use_multiprocessing
        history = []
        for epoch in range(epochs):
            history.append(self._run_epoch(x, workers, use_multiprocessing))
        return history

    fit_generator = fit

    def evaluate(self, x=None, y=None, verbose=1, workers=1, use_multiprocessing=False, **kwargs):
        return self.fit(x, y, epochs=1, workers=workers, use_multiprocessing=use_multiprocessing)[0]

    predict = evaluate

    def _run_epoch(self, sequence, workers, use_multiprocessing):
        if not (workers > 1 or (workers > 0 and use_multiprocessing)):
            return len([sequence[i] for i in range(len(sequence))])
        _SHARED_SEQUENCES[0] = sequence
        if use_multiprocessing:
            pool = multiprocessing.Pool(workers, initializer=_init_pool, initargs=(_SHARED_SEQUENCES,))
        else:
            pool = multiprocessing.dummy.Pool(workers)
        with pool:
            batches = pool.starmap(_get_index, [(0, i) for i in range(len(sequence))])
        return len(batches)


Model = Sequential
