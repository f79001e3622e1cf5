"""A small real test suite for the pytest plugin (crates/spawnsafe/tests/packaging.rs)."""

import multiprocessing
import os
import subprocess
import sys

from workers import double

HERE = os.path.dirname(os.path.abspath(__file__))


def test_the_session_default_is_spawn():
    assert multiprocessing.get_context().get_start_method() == "spawn"


def test_a_child_interpreter_gets_the_default_too():
    out = subprocess.run(
        [sys.executable, "-c", "import multiprocessing as m; print(m.get_context().get_start_method())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "spawn"


def test_a_worker_in_a_module_works():
    with multiprocessing.Pool(2) as pool:
        assert pool.map(double, [1, 2]) == [2, 4]


def test_a_lambda_task_fails():
    with multiprocessing.Pool(2) as pool:
        assert pool.map(lambda x: x * 2, [1]) == [2]


def test_a_worker_defined_in_the_guard_fails_in_the_child():
    # The child's traceback is on its stderr, which the test prints (captured).
    result = subprocess.run(
        [sys.executable, os.path.join(HERE, "guarded_worker.py")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    sys.stderr.write(result.stderr)
    assert result.returncode == 0
