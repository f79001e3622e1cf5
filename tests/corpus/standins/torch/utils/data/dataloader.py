"""DataLoader, reduced to its process mechanism (after torch/utils/data/dataloader.py).

What is reproduced, with the PyTorch lines it follows (line numbers of PyTorch 2.0 as they appear
in the traceback of https://github.com/thuml/Time-Series-Library/issues/129):

* ``DataLoader.__iter__`` (dataloader.py:441) returns ``self._get_iterator()`` (dataloader.py:388):
  ``_SingleProcessDataLoaderIter`` when ``num_workers == 0`` -- everything runs in this process,
  nothing is pickled -- else ``_MultiProcessingDataLoaderIter``. Workers therefore start when the
  loader is *iterated* (``for batch in loader``, ``iter(loader)``), not when it is built.
* ``_MultiProcessingDataLoaderIter.__init__`` uses ``loader.multiprocessing_context`` or, when it
  is None, the ``multiprocessing`` module's default context; for each worker it creates an index
  queue and ``multiprocessing_context.Process(target=_utils.worker._worker_loop, args=(kind,
  dataset, index_queue, worker_result_queue, workers_done_event, auto_collation, collate_fn,
  drop_last, base_seed, worker_init_fn, i, num_workers, ...))`` with ``daemon = True`` and calls
  ``w.start()`` (dataloader.py:1042). Under spawn/forkserver the dataset, ``collate_fn`` and
  ``worker_init_fn`` are therefore pickled as Process arguments, and each worker re-imports the
  main module first.
* Results come back through ``worker_result_queue``; a worker that dies makes the parent raise
  ``RuntimeError: DataLoader worker (pid(s) ...) exited unexpectedly``; an exception inside a
  worker is re-raised in the parent as "Caught <Type> in DataLoader worker process <i>".
"""
import itertools
import multiprocessing
import os
import queue
import random

from . import _utils
from ._utils.worker import get_worker_info  # noqa: F401
from .dataset import IterableDataset


def default_collate(batch):
    from ... import Tensor, tensor
    first = batch[0]
    if isinstance(first, Tensor):
        return tensor([t.data for t in batch])
    if isinstance(first, (int, float)):
        return tensor(list(batch))
    if isinstance(first, dict):
        return {key: default_collate([d[key] for d in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        return [default_collate(list(samples)) for samples in zip(*batch)]
    return list(batch)


class DataLoader:
    def __init__(self, dataset, batch_size=1, shuffle=False, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None,
                 prefetch_factor=None, persistent_workers=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.num_workers = num_workers
        self.collate_fn = collate_fn if collate_fn is not None else default_collate
        self.drop_last = drop_last
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        if isinstance(multiprocessing_context, str):
            multiprocessing_context = multiprocessing.get_context(multiprocessing_context)
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers

    def _index_batches(self):
        indices = list(range(len(self.dataset)))
        if self.shuffle:
            random.Random(0).shuffle(indices)
        size = self.batch_size or 1
        batches = [indices[i:i + size] for i in range(0, len(indices), size)]
        if self.drop_last and batches and len(batches[-1]) < size:
            batches.pop()
        return batches

    def __len__(self):
        return len(self._index_batches())

    def __iter__(self):
        return self._get_iterator()

    def _get_iterator(self):
        if self.num_workers == 0:
            return self._single_process_iter()
        return self._multi_process_iter()

    def _collate(self, samples):
        return self.collate_fn(samples) if self.batch_size is not None else samples[0]

    def _single_process_iter(self):
        if isinstance(self.dataset, IterableDataset):
            batch = []
            for sample in self.dataset:
                if self.batch_size is None:
                    yield sample
                    continue
                batch.append(sample)
                if len(batch) == self.batch_size:
                    yield self._collate(batch)
                    batch = []
            if batch and not self.drop_last:
                yield self._collate(batch)
            return
        for indices in self._index_batches():
            yield self._collate([self.dataset[i] for i in indices])

    def _multi_process_iter(self):
        # Workers start here, on the first next(), as in _MultiProcessingDataLoaderIter.__init__.
        ctx = self.multiprocessing_context or multiprocessing
        iterable = isinstance(self.dataset, IterableDataset)
        result_queue = ctx.Queue()
        done_event = ctx.Event()
        index_queues, workers = [], []
        base_seed = 1000
        for i in range(self.num_workers):
            index_queue = ctx.Queue()
            index_queue.cancel_join_thread()
            w = ctx.Process(
                target=_utils.worker._worker_loop,
                args=("iterable" if iterable else "map", self.dataset, index_queue, result_queue,
                      done_event, self.batch_size is not None, self.collate_fn, self.drop_last,
                      base_seed, self.worker_init_fn, i, self.num_workers))
            w.daemon = True
            w.start()
            index_queues.append(index_queue)
            workers.append(w)
        try:
            if iterable:
                yield from self._gather_iterable(result_queue, index_queues, workers)
            else:
                yield from self._gather_map(result_queue, index_queues, workers)
        finally:
            done_event.set()
            for q in index_queues:
                try:
                    q.put(None)
                except Exception:
                    pass
            for w in workers:
                w.join(timeout=5)
                if w.is_alive():
                    w.terminate()

    def _get(self, result_queue, workers):
        while True:
            try:
                worker_id, send_idx, data = result_queue.get(timeout=0.5)
            except queue.Empty:
                dead = [w for w in workers if not w.is_alive() and w.exitcode != 0]
                if dead:
                    pids = ", ".join(str(w.pid) for w in dead)
                    raise RuntimeError(f"DataLoader worker (pid(s) {pids}) exited unexpectedly")
                continue
            if isinstance(data, _utils.worker.ExceptionWrapper):
                raise RuntimeError(data.msg)
            return worker_id, send_idx, data

    def _gather_map(self, result_queue, index_queues, workers):
        batches = self._index_batches()
        cycle = itertools.cycle(range(len(workers)))
        for send_idx, indices in enumerate(batches):
            index_queues[next(cycle)].put((send_idx, indices))
        received = {}
        for want in range(len(batches)):
            while want not in received:
                _, send_idx, data = self._get(result_queue, workers)
                received[send_idx] = data
            yield received.pop(want)

    def _gather_iterable(self, result_queue, index_queues, workers):
        for q in index_queues:
            q.put(self.batch_size)
        finished = 0
        while finished < len(workers):
            _, _, data = self._get(result_queue, workers)
            if data is StopIteration:
                finished += 1
            else:
                yield data
