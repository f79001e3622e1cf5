"""Stand-in for Keras 2's multiprocessing data loading (keras-team/keras, Keras 2.13).

`Model.fit(x=Sequence, workers=N, use_multiprocessing=True)` goes through
`KerasSequenceAdapter._handle_multiprocessing` (keras/engine/data_adapter.py:1038-1052):
with `workers > 0 and use_multiprocessing` an `OrderedEnqueuer` starts, whose pool is
`multiprocessing.Pool(workers, initializer=init_pool_generator,
initargs=(seqs, None, get_worker_id_queue()))` (keras/utils/data_utils.py:614-618,
803-810): the default context, so under spawn the Sequence is pickled as an
initializer argument and every worker re-imports the main script; the workers call
`sequence[i]`. Without `use_multiprocessing` Keras uses a thread pool
(`multiprocessing.dummy.Pool`).

Keras 3 moved the settings onto the data: `keras.utils.PyDataset(workers=N,
use_multiprocessing=True)` handed to `fit()` (py_dataset_adapter.py:94-97 and 223-233 of
Keras 3.16) gets the same pool (`get_pool_class(True)` is `multiprocessing.Pool`,
py_dataset_adapter.py:393-397, built with `initargs=(_SHARED_SEQUENCES, ...)` at 632-637
when the epoch's iteration starts the enqueuer, 279-290 and 345-354); iterating the
dataset directly is serial (py_dataset_adapter.py:159-173).
"""
from . import layers, models, utils  # noqa: F401
from .models import Model, Sequential  # noqa: F401
