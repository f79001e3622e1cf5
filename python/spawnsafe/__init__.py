"""spawnsafe: finds Python multiprocessing code that breaks under the spawn and forkserver start methods.

The analyzer is a native binary installed as the `spawnsafe` script; this package only finds it
(`find_spawnsafe_bin()`) and runs it for `python -m spawnsafe`.
"""

from spawnsafe._find_spawnsafe import find_spawnsafe_bin

__all__ = ["find_spawnsafe_bin"]
