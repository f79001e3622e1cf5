"""Stand-in for torch.cuda's lazy initialisation and how a fork poisons it.

PyTorch (torch/cuda/__init__.py): `_lazy_init()` initialises CUDA on first use
(`init`, `current_device`, `synchronize`, CUDA tensors...), and raises
"Cannot re-initialize CUDA in forked subprocess. To use CUDA with
multiprocessing, you must use the 'spawn' start method" when
`_is_in_bad_fork()`. The flag is set in a forked child by the at-fork handler
that initialisation registers (torch/csrc/cuda/Module.cpp, `poison_fork`).
`is_available()` asks the driver without initialising. A spawned child is a
fresh interpreter: it initialises CUDA normally.
"""

import os

_initialized = False
_in_bad_fork = False
_registered = False


def _after_fork_in_child():
    global _in_bad_fork
    if _initialized:
        _in_bad_fork = True


def is_initialized():
    return _initialized and not _in_bad_fork


def _lazy_init():
    global _initialized, _registered
    if is_initialized():
        return
    if _in_bad_fork:
        raise RuntimeError(
            "Cannot re-initialize CUDA in forked subprocess. "
            "To use CUDA with multiprocessing, you must use the 'spawn' start method"
        )
    if not _registered:
        os.register_at_fork(after_in_child=_after_fork_in_child)
        _registered = True
    _initialized = True


def is_available():
    return True


def device_count():
    return 1


def init():
    _lazy_init()


def current_device():
    _lazy_init()
    return 0


def synchronize(device=None):
    _lazy_init()
