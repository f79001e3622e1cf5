"""The pytest plugin: `pytest -p spawnsafe --start-method spawn`.

It makes spawn (or forkserver) the *default* start method for the test
session and for every Python process the tests start, exactly as
`spawnsafe run -m pytest` does (the copies of its bootstrap and
sitecustomize shipped beside this file), so that a Linux CI run fails as
Windows, macOS or Python 3.14 would. The ini option `spawnsafe_start_method`
does the same from `pytest.ini`/`pyproject.toml` (with `addopts = "-p spawnsafe"`).

When a test fails, its report gets a "spawnsafe diagnosis" section: what
`spawnsafe explain` says about the traceback and the captured output
(a child's traceback lands there).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import traceback

import pytest

_METHODS = ("spawn", "forkserver", "windows", "fork")
_HERE = os.path.dirname(os.path.abspath(__file__))


def pytest_addoption(parser):
    group = parser.getgroup("spawnsafe", "spawnsafe: test under the spawn/forkserver start method")
    group.addoption(
        "--start-method",
        dest="spawnsafe_start_method",
        choices=_METHODS,
        default=None,
        help="make this the default multiprocessing start method for the session and every "
        "Python process it starts (windows: spawn, with no fork contexts)",
    )
    group.addoption(
        "--no-spawnsafe-diagnosis",
        dest="spawnsafe_diagnosis",
        action="store_false",
        default=True,
        help="do not add spawnsafe's diagnosis to failing tests' reports",
    )
    parser.addini(
        "spawnsafe_start_method",
        "the default multiprocessing start method to force (spawn, forkserver, windows, fork)",
        default=None,
    )


def _start_method(config):
    method = config.getoption("spawnsafe_start_method") or config.getini("spawnsafe_start_method")
    if method and method not in _METHODS:
        raise ValueError(
            "spawnsafe_start_method = {!r}: expected one of {}".format(method, ", ".join(_METHODS))
        )
    return method or None


def pytest_configure(config):
    method = _start_method(config)
    config._spawnsafe_children_dir = None
    if not method:
        return
    from spawnsafe import _bootstrap

    # This process: the default context replaced, as `spawnsafe run` does.
    _bootstrap.force(method)
    # Every Python process the tests start: a sitecustomize first on PYTHONPATH.
    directory = tempfile.mkdtemp(prefix="spawnsafe-pytest-")
    shutil.copyfile(os.path.join(_HERE, "_sitecustomize.py"), os.path.join(directory, "sitecustomize.py"))
    shutil.copyfile(os.path.join(_HERE, "_bootstrap.py"), os.path.join(directory, "_spawnsafe_bootstrap.py"))
    config._spawnsafe_children_dir = directory
    config._spawnsafe_saved_environ = {
        name: os.environ.get(name) for name in ("PYTHONPATH", "SPAWNSAFE_START_METHOD")
    }
    paths = [directory] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)
    os.environ["SPAWNSAFE_START_METHOD"] = method


def pytest_unconfigure(config):
    directory = getattr(config, "_spawnsafe_children_dir", None)
    if not directory:
        return
    for name, value in config._spawnsafe_saved_environ.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    shutil.rmtree(directory, ignore_errors=True)


def pytest_report_header(config):
    method = _start_method(config)
    if method:
        return "spawnsafe: default start method forced to {} (this process and every child)".format(
            method
        )
    return None


def _binary():
    from spawnsafe._find_spawnsafe import find_spawnsafe_bin

    try:
        return os.fsdecode(find_spawnsafe_bin())
    except FileNotFoundError:
        return shutil.which("spawnsafe")


_diagnosis_enabled = True


def pytest_sessionstart(session):
    global _diagnosis_enabled
    _diagnosis_enabled = session.config.getoption("spawnsafe_diagnosis")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test's report gets what `spawnsafe explain` says about its
    traceback (as Python prints it) and its captured output, where the
    tracebacks of child processes land."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed or not _diagnosis_enabled or call.excinfo is None:
        return
    excinfo = call.excinfo
    texts = ["".join(traceback.format_exception(excinfo.type, excinfo.value, excinfo.tb))]
    texts.extend(content for _, content in report.sections)
    diagnosis = _explain("\n".join(texts))
    if diagnosis:
        report.sections.append(("spawnsafe diagnosis", diagnosis))


def _explain(text):
    binary = _binary()
    if binary is None:
        return None
    try:
        explained = subprocess.run(
            [binary, "explain", "-"],
            input=text.encode("utf-8", "replace"),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    # Exit 0: a failure spawnsafe knows; 1: nothing it knows.
    if explained.returncode != 0:
        return None
    return explained.stdout.decode("utf-8", "replace").strip() + "\n"
