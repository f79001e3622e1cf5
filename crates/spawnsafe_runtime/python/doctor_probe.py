# spawnsafe doctor's probe: run by the interpreter being inspected, prints one
# JSON object of facts about it. spawnsafe (Rust) turns the facts into the
# report, so that every judgement is tested with simulated facts too.
#
# Run inside a live session (`spawnsafe doctor --session-probe` prints the
# code that does it: a Jupyter cell, IDLE's shell, a debugger's console), it
# also reports how that session's `__main__` would reach spawn children, and
# passes the facts to `spawnsafe doctor --facts -` (SPAWNSAFE is that binary).
import json
import os
import sys


def _main_facts(main):
    """How spawn children would rebuild this `__main__`: the facts that
    `multiprocessing.spawn.get_preparation_data` decides by."""
    spec_attribute = hasattr(main, "__spec__")
    spec = getattr(main, "__spec__", None)
    path = getattr(main, "__file__", None)
    return {
        "main_inspected": True,
        "main_spec_attribute": spec_attribute,
        "main_spec_name": getattr(spec, "name", None),
        "main_file": _text(path) if isinstance(path, (str, bytes)) else None,
        "main_file_is_file": isinstance(path, (str, bytes)) and os.path.isfile(path),
    }


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


def _report_on_this_session(spawnsafe):
    import subprocess

    facts = _facts()
    facts.update(_main_facts(sys.modules["__main__"]))
    result = subprocess.run(
        [spawnsafe, "doctor", "--facts", "-"],
        input=json.dumps(facts),
        capture_output=True,
        text=True,
    )
    print(result.stdout + result.stderr, end="")


if globals().get("SPAWNSAFE"):
    _report_on_this_session(SPAWNSAFE)  # noqa: F821 (set by the session code)
else:
    # `python -c PROBE`: this `__main__` is the probe's own, not the program's.
    print(json.dumps(_facts()))
