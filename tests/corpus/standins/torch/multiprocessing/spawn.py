"""torch.multiprocessing.spawn, after torch/multiprocessing/spawn.py (pytorch/pytorch @04dd8db7).

``start_processes(fn, args, nprocs, join, daemon, start_method)`` (spawn.py:232) takes
``multiprocessing.get_context(start_method)`` (spawn.py:254) and starts, for each rank i,
``mp.Process(target=_wrap, args=(fn, i, args, error_file), daemon=daemon)`` (spawn.py:271-277),
so ``fn`` and ``args`` are pickled. ``_wrap`` (spawn.py:81) calls ``fn(i, *args)`` and writes
the traceback of an exception to the error file; the parent's ``ProcessContext.join`` raises
``ProcessRaisedException`` ("-- Process i terminated with the following error:").
``spawn(...)`` (spawn.py:302) always uses ``start_method="spawn"`` whatever it is given
(spawn.py:342), so its children re-import the main module on every platform.
"""
import multiprocessing
import multiprocessing.connection
import os
import pickle
import sys
import tempfile


class ProcessRaisedException(Exception):
    def __init__(self, msg, error_index, error_pid):
        super().__init__(msg)
        self.error_index = error_index
        self.pid = error_pid


class ProcessExitedException(ProcessRaisedException):
    pass


def _wrap(fn, i, args, error_file):
    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass
    except Exception:
        import traceback
        with open(error_file, "wb") as fh:
            pickle.dump(traceback.format_exc(), fh)
        sys.exit(1)


class ProcessContext:
    def __init__(self, processes, error_files):
        self.processes = processes
        self.error_files = error_files

    def join(self, timeout=None):
        for index, process in enumerate(self.processes):
            process.join(timeout)
        for index, process in enumerate(self.processes):
            if process.exitcode not in (0, None):
                path = self.error_files[index]
                if os.path.exists(path) and os.path.getsize(path):
                    with open(path, "rb") as fh:
                        trace = pickle.load(fh)
                    raise ProcessRaisedException(
                        f"\n\n-- Process {index} terminated with the following error:\n{trace}",
                        index, process.pid)
                raise ProcessExitedException(
                    f"process {index} terminated with exit code {process.exitcode}", index, process.pid)
        return all(p.exitcode is not None for p in self.processes)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    mp = multiprocessing.get_context(start_method)
    processes, error_files = [], []
    for i in range(nprocs):
        tf = tempfile.NamedTemporaryFile(prefix="pytorch-errorfile-", suffix=".pickle", delete=False)
        tf.close()
        os.unlink(tf.name)
        process = mp.Process(target=_wrap, args=(fn, i, args, tf.name), daemon=daemon)
        process.start()
        processes.append(process)
        error_files.append(tf.name)
    context = ProcessContext(processes, error_files)
    if not join:
        return context
    while not context.join():
        pass


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    return start_processes(fn, args, nprocs, join, daemon, start_method="spawn")
