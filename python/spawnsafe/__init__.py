"""spawnsafe: finds Python multiprocessing code that breaks under the spawn and forkserver start methods.

The analyzer is a native binary installed as the `spawnsafe` script; this package only finds it
(`find_spawnsafe_bin()`) and runs it for `python -m spawnsafe`, and is the pytest plugin
`pytest -p spawnsafe --start-method spawn` (see `spawnsafe.pytest_plugin`).
"""

import sys

from spawnsafe._find_spawnsafe import find_spawnsafe_bin

__all__ = ["find_spawnsafe_bin"]

# `pytest -p spawnsafe` loads this package as a plugin: its hooks are here
# (imported only under pytest, so `python -m spawnsafe` stays fast).
if "_pytest" in sys.modules:
    from spawnsafe.pytest_plugin import (  # noqa: F401
        pytest_addoption,
        pytest_configure,
        pytest_report_header,
        pytest_runtest_makereport,
        pytest_sessionstart,
        pytest_unconfigure,
    )
