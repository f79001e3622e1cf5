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
"""
from . import layers, models, utils  # noqa: F401
from .models import Model, Sequential  # noqa: F401
