# spawnsafe's sitecustomize for `spawnsafe run -- COMMAND`: every Python process
# the command starts (with this directory first on PYTHONPATH) gets the start
# method in SPAWNSAFE_START_METHOD forced as its default, then the
# sitecustomize this one hides (if any) runs as usual.
import importlib
import os
import sys


def _spawnsafe_chain():
    here = os.path.dirname(os.path.abspath(__file__))
    method = os.environ.get("SPAWNSAFE_START_METHOD")
    if method:
        import _spawnsafe_bootstrap

        _spawnsafe_bootstrap.force(method)
    # Run the sitecustomize that would have run without this one.
    # `site` looks this module up under its name once it has run: it must be
    # there again afterwards, the hidden one under another name.
    saved_path = list(sys.path)
    ours = sys.modules.pop("sitecustomize", None)
    try:
        sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != here]
        try:
            importlib.import_module("sitecustomize")
        except ModuleNotFoundError as error:
            if error.name != "sitecustomize":
                raise
    finally:
        sys.path[:] = saved_path
        hidden = sys.modules.pop("sitecustomize", None)
        if hidden is not None:
            sys.modules["_spawnsafe_hidden_sitecustomize"] = hidden
        if ours is not None:
            sys.modules["sitecustomize"] = ours


_spawnsafe_chain()
