# spawnsafe doctor's probe: run by the interpreter being inspected, prints one
# JSON object of facts about it. spawnsafe (Rust) turns the facts into the
# report, so that every judgement is tested with simulated facts too.
import json
import os
import sys


def _facts():
    import multiprocessing
    from multiprocessing import context, spawn

    facts = {
        "version": list(sys.version_info[:3]),
        "version_text": sys.version.split()[0],
        "implementation": sys.implementation.name,
        "platform": sys.platform,
        "executable": sys.executable,
        "prefix": sys.prefix,
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "frozen": bool(getattr(sys, "frozen", False)),
        "stdout_is_none": sys.__stdout__ is None,
        "start_methods": multiprocessing.get_all_start_methods(),
        "start_method_set": multiprocessing.get_start_method(allow_none=True),
        "default_start_method": context._default_context._default_context.get_start_method(),
        "child_executable": _text(spawn.get_executable()) if hasattr(spawn, "get_executable") else None,
        "conda_prefix_env": os.environ.get("CONDA_PREFIX"),
        "conda_meta": os.path.isdir(os.path.join(sys.prefix, "conda-meta")),
        "path": os.environ.get("PATH", ""),
        "path_separator": os.pathsep,
        "virtual_env_env": os.environ.get("VIRTUAL_ENV"),
        "sitecustomize": None,
        "sitecustomize_sets_start_method": False,
        "usercustomize": None,
        "main_has_file": hasattr(sys.modules.get("__main__"), "__file__"),
        "ipykernel": _has_module("ipykernel"),
        "host": _host(),
        "debugger": any(name in sys.modules for name in ("pydevd", "debugpy")),
    }
    for name in ("sitecustomize", "usercustomize"):
        module = sys.modules.get(name)
        path = getattr(module, "__file__", None) if module else None
        facts[name] = path
        if name == "sitecustomize" and path and os.path.isfile(path):
            try:
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read()
                facts["sitecustomize_sets_start_method"] = (
                    "set_start_method" in text or "_default_context" in text
                )
            except OSError:
                pass
    return facts


def _host():
    """The tool that started this process, from the environment it sets: code
    run in it (notebook cells, an interactive console, a debugger's launcher)
    may have a `__main__` that spawn children cannot import."""
    env = os.environ
    if "JPY_PARENT_PID" in env or "JPY_SESSION_NAME" in env:
        return "jupyter"
    if "PYCHARM_HOSTED" in env:
        return "pycharm"
    if any(name.startswith("DEBUGPY_") for name in env) or "PYDEVD_LOAD_VALUES_ASYNC" in env:
        return "debugpy"
    if "SPYDER_ARGS" in env or "SPY_PYTHONPATH" in env:
        return "spyder"
    if "IDLESTARTUP" in env:
        return "idle"
    return None


def _text(value):
    return os.fsdecode(value) if value is not None else None


def _has_module(name):
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


print(json.dumps(_facts()))
