"""torch.multiprocessing re-exports multiprocessing (torch/multiprocessing/__init__.py:
`from multiprocessing import *`)."""

from multiprocessing import *  # noqa: F401,F403
from multiprocessing import get_context, set_start_method  # noqa: F401
