"""The worker loop, after torch/utils/data/_utils/worker.py.

PyTorch's ``_worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event,
auto_collation, collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers, ...)`` runs in
each worker process: it seeds ``random`` (and torch) with ``base_seed + worker_id``, sets the
``WorkerInfo`` that ``get_worker_info()`` returns (worker.py ``get_worker_info``), calls
``init_fn(worker_id)``, then fetches ``dataset[i]`` for each index batch and applies
``collate_fn`` (``fetcher.fetch(index)``: worker.py line 302 and _utils/fetch.py line 58 in the
traceback of https://github.com/csjliang/DASR/issues/23). Exceptions are wrapped and re-raised in
the parent ("Caught NameError in DataLoader worker process 0.").
"""
import random
import traceback

_worker_info = None


class WorkerInfo:
    def __init__(self, id, num_workers, seed, dataset):
        self.id = id
        self.num_workers = num_workers
        self.seed = seed
        self.dataset = dataset

    def __repr__(self):
        return f"WorkerInfo(id={self.id}, num_workers={self.num_workers})"


def get_worker_info():
    return _worker_info


class ExceptionWrapper:
    def __init__(self, where):
        import sys
        exc_type, exc, _ = sys.exc_info()
        self.exc_type_name = exc_type.__name__
        self.msg = f"Caught {exc_type.__name__} {where}.\nOriginal {traceback.format_exc()}"


def _worker_loop(dataset_kind, dataset, index_queue, data_queue, done_event, auto_collation,
                 collate_fn, drop_last, base_seed, init_fn, worker_id, num_workers):
    global _worker_info
    seed = base_seed + worker_id
    random.seed(seed)
    _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
    where = f"in DataLoader worker process {worker_id}"
    try:
        if init_fn is not None:
            init_fn(worker_id)
        if dataset_kind == "iterable":
            batch_size = index_queue.get()
            batch = []
            for sample in dataset:
                if batch_size is None:  # batch_size=None: samples are not collated
                    data_queue.put((worker_id, None, sample))
                    continue
                batch.append(sample)
                if len(batch) == batch_size:
                    data_queue.put((worker_id, None, collate_fn(batch)))
                    batch = []
            if batch and not drop_last:
                data_queue.put((worker_id, None, collate_fn(batch)))
            data_queue.put((worker_id, None, StopIteration))
            return
        while True:
            task = index_queue.get()
            if task is None:
                break
            send_idx, indices = task
            data = [dataset[i] for i in indices]
            data_queue.put((worker_id, send_idx, collate_fn(data) if auto_collation else data[0]))
    except Exception:
        data_queue.put((worker_id, None, ExceptionWrapper(where)))
