"""torch.multiprocessing: a re-export of the standard library's multiprocessing.

PyTorch's torch/multiprocessing/__init__.py does ``from multiprocessing import *`` (adding its
own reductions for tensors shared through shared memory) and exports ``spawn`` and
``start_processes`` from torch/multiprocessing/spawn.py.
"""
import multiprocessing as _mp
from multiprocessing import *  # noqa: F401,F403

from .spawn import ProcessContext, ProcessRaisedException, spawn, start_processes  # noqa: F401

get_context = _mp.get_context
set_start_method = _mp.set_start_method
get_start_method = _mp.get_start_method
