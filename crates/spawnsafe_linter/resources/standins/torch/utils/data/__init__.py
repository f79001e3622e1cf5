"""The mechanism of torch/utils/data/dataloader.py (PyTorch 2.x), reduced to the
standard library:

- `DataLoader.__iter__` -> `_get_iterator()`: in-process when `num_workers == 0`,
  else `_MultiProcessingDataLoaderIter`;
- `_MultiProcessingDataLoaderIter.__init__`: for each worker,
  `multiprocessing_context.Process(target=_utils.worker._worker_loop,
  args=(dataset_kind, dataset, index_queue, worker_result_queue, done_event,
  auto_collation, collate_fn, drop_last, base_seed, init_fn, i, num_workers, ...))`,
  `w.daemon = True`, `w.start()`;
- `_utils/worker.py` `_worker_loop`: calls `init_fn(worker_id)`, then for each
  index batch `collate_fn([dataset[i] for i in batch])`, results back on a queue.
"""

import multiprocessing
import queue as _queue


class Dataset:
    def __getitem__(self, index):
        raise NotImplementedError


class IterableDataset(Dataset):
    def __iter__(self):
        raise NotImplementedError


class TensorDataset(Dataset):
    def __init__(self, *tensors):
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(tensor[index] for tensor in self.tensors)

    def __len__(self):
        return len(self.tensors[0])


def default_collate(batch):
    # torch/utils/data/_utils/collate.py: a batch of tuples or lists is
    # transposed, each field collated on its own; tensors are stacked (lists here).
    if batch and isinstance(batch[0], (tuple, list)):
        return [default_collate(list(field)) for field in zip(*batch)]
    return list(batch)


_worker_info = None


def get_worker_info():
    return _worker_info


class _WorkerInfo:
    def __init__(self, id, num_workers, dataset):
        self.id = id
        self.num_workers = num_workers
        self.dataset = dataset


def _worker_loop(dataset, index_queue, result_queue, collate_fn, init_fn, worker_id, num_workers):
    global _worker_info
    _worker_info = _WorkerInfo(worker_id, num_workers, dataset)
    if init_fn is not None:
        init_fn(worker_id)
    while True:
        task = index_queue.get()
        if task is None:
            break
        position, indices = task
        result_queue.put((position, collate_fn([dataset[i] for i in indices])))


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; "
                             "use num_workers=0 to disable multiprocessing.")
        self.dataset = dataset
        self.batch_size = batch_size
        self.num_workers = num_workers
        self.collate_fn = collate_fn or default_collate
        self.worker_init_fn = worker_init_fn
        if isinstance(multiprocessing_context, str):
            multiprocessing_context = multiprocessing.get_context(multiprocessing_context)
        self.multiprocessing_context = multiprocessing_context
        self.drop_last = drop_last

    def _batches(self):
        indices = list(range(len(self.dataset)))
        batches = [indices[i:i + self.batch_size] for i in range(0, len(indices), self.batch_size)]
        if self.drop_last and batches and len(batches[-1]) < self.batch_size:
            batches.pop()
        return batches

    def __len__(self):
        return len(self._batches())

    def __iter__(self):
        batches = self._batches()
        if self.num_workers == 0:
            for batch in batches:
                yield self.collate_fn([self.dataset[i] for i in batch])
            return
        context = self.multiprocessing_context or multiprocessing
        index_queue, result_queue = context.Queue(), context.Queue()
        workers = []
        for worker_id in range(self.num_workers):
            worker = context.Process(
                target=_worker_loop,
                args=(self.dataset, index_queue, result_queue, self.collate_fn,
                      self.worker_init_fn, worker_id, self.num_workers),
            )
            worker.daemon = True
            worker.start()
            workers.append(worker)
        for position, batch in enumerate(batches):
            index_queue.put((position, batch))
        results = {}
        try:
            for position in range(len(batches)):
                while position not in results:
                    for worker in workers:
                        if not worker.is_alive() and worker.exitcode not in (0, None):
                            raise RuntimeError(
                                "DataLoader worker (pid(s) {}) exited unexpectedly".format(worker.pid))
                    try:
                        done, value = result_queue.get(timeout=5)
                    except _queue.Empty:
                        continue
                    results[done] = value
                yield results.pop(position)
        finally:
            for _ in workers:
                index_queue.put(None)
            for worker in workers:
                worker.join(timeout=5)
