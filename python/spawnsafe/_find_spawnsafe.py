"""Locate the `spawnsafe` binary that the wheel installed as a script."""

import os
import sys
import sysconfig

# Python 3.8 compatible: no `X | Y` annotations, no `sysconfig.get_preferred_scheme` before 3.10.


def _user_scheme():
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if os.name == "nt":
        return "nt_user"
    if sys.platform == "darwin" and getattr(sys, "_framework", None):
        return "osx_framework_user"
    return "posix_user"


def _candidate_paths():
    """Where installers put the binary, in the order a shell would be most likely to find it."""
    exe = "spawnsafe" + (sysconfig.get_config_var("EXE") or "")
    # `pip install` into this interpreter's environment (a venv, conda, the system).
    yield os.path.join(sysconfig.get_path("scripts"), exe)
    # `pip install --user`.
    try:
        yield os.path.join(sysconfig.get_path("scripts", scheme=_user_scheme()), exe)
    except KeyError:
        pass
    # `pip install --target DIR`: scripts land in DIR/bin, beside the package directory.
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    yield os.path.join(package_root, "bin", exe)


def find_spawnsafe_bin():
    """Return the path of the `spawnsafe` binary, or raise FileNotFoundError naming the places looked at."""
    searched = []
    for path in _candidate_paths():
        if os.path.isfile(path):
            return path
        searched.append(path)
    raise FileNotFoundError(
        "the spawnsafe binary was not found; looked at: " + ", ".join(searched)
    )
