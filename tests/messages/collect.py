"""Trigger every error message the rule docs quote, on real CPython interpreters.

Each case below is a small program that makes CPython print one message the
docs of a rule quote (docs/rules.md, the "Messages" tables). Run it:

    python3 tests/messages/collect.py                  # every installed CPython 3.8-3.13: a table
    python3 tests/messages/collect.py --python python3 # one interpreter
    python3 tests/messages/collect.py --check          # python3 only: exit 1 on any difference,
                                                       # and check docs/rules.md quotes each message

A case runs as a script file in a temporary folder, under a timeout, in its own
process group. Its output (stdout and stderr, children's included) is
normalised (addresses become `0x...`, the folder `/path/to`) and the first line
that matches the case's pattern is its message. Each expectation names the
Python versions it holds for; the label is the first column of the docs'
table row that quotes it. Expectations for 3.14 (no interpreter here) come
from the CPython source named in the docs and are only checked against them.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DOCS = os.path.join(REPO, "docs", "rules.md")

Version = tuple  # (major, minor, micro)


def since(*low: int) -> Callable[[Version], bool]:
    return lambda version: version >= low


def before(*high: int) -> Callable[[Version], bool]:
    return lambda version: version < high


def between(low: tuple, high: tuple) -> Callable[[Version], bool]:
    """low <= version < high"""
    return lambda version: low <= version < high


def never(_version: Version) -> bool:
    """3.14 rows: cited from source, no interpreter here."""
    return False


@dataclass
class Expect:
    label: str  # the docs' version column, e.g. "3.8-3.12"
    applies: Callable[[Version], bool]
    text: Optional[str]  # None: no line matches the pattern on these versions


@dataclass
class Case:
    name: str
    rule: str
    pattern: str  # the message is the first output line this matches (group 1 if any)
    script: str
    expect: list = field(default_factory=list)
    inline: bool = False  # run as `python -c SCRIPT`: a `__main__` with no file, as in a notebook
    argv: tuple = ()  # command-line arguments after the script


SPAWN = "import multiprocessing as mp\nctx = mp.get_context('spawn')\n"

CASES = [
    # SPS101 -------------------------------------------------------------
    Case(
        "bootstrap",
        "SPS101",
        r"An attempt has been made.*",
        SPAWN
        + """
p = ctx.Process(target=print, args=("child",))
p.start()
p.join()
""",
        [Expect("3.8-3.14", since(3, 8), "An attempt has been made to start a new process before the")],
    ),
    Case(
        "bootstrap-doc-link",
        "SPS101",
        r"To fix this issue, refer to.*",
        SPAWN
        + """
p = ctx.Process(target=print, args=("child",))
p.start()
p.join()
""",
        [
            Expect("3.8-3.11.4", before(3, 11, 5), None),
            Expect(
                "3.11.5+, 3.12-3.14",
                since(3, 11, 5),
                'To fix this issue, refer to the "Safe importing of main module"',
            ),
        ],
    ),
    Case(
        "broken-process-pool",
        "SPS101",
        r"(\S*BrokenProcessPool: .*)",
        SPAWN
        + """
from concurrent.futures import ProcessPoolExecutor
with ProcessPoolExecutor(1, mp_context=ctx) as executor:
    print(executor.submit(abs, -1).result())
""",
        [
            Expect(
                "3.8-3.14",
                since(3, 8),
                "concurrent.futures.process.BrokenProcessPool: A process in the process pool "
                "was terminated abruptly while the future was running or pending.",
            )
        ],
    ),
    # SPS102 -------------------------------------------------------------
    Case(
        "is-literal",
        "SPS102",
        r"(SyntaxWarning: .*)",
        """
if __name__ is "__main__":
    print("main")
""",
        [
            Expect("3.8-3.11", before(3, 12), 'SyntaxWarning: "is" with a literal. Did you mean "=="?'),
            Expect("3.12-3.14", since(3, 12), 'SyntaxWarning: "is" with \'str\' literal. Did you mean "=="?'),
        ],
    ),
    # SPS104 -------------------------------------------------------------
    Case(
        "context-already-set",
        "SPS104",
        r"(RuntimeError: context.*)",
        """
import multiprocessing as mp
mp.set_start_method("spawn")

if __name__ == "__main__":
    p = mp.Process(target=print, args=("child",))
    p.start()
    p.join()
""",
        [Expect("3.8-3.14", since(3, 8), "RuntimeError: context has already been set")],
    ),
    # SPS105 -------------------------------------------------------------
    Case(
        "worker-in-guard",
        "SPS105",
        r"(AttributeError: Can't get attribute.*)",
        SPAWN
        + """
if __name__ == "__main__":
    def work(x):
        print(x * 2)

    p = ctx.Process(target=work, args=(1,))
    p.start()
    p.join()
""",
        [
            Expect(
                "3.8-3.13",
                since(3, 8),
                "AttributeError: Can't get attribute 'work' on <module '__mp_main__' from '/path/to/script.py'>",
            ),
            Expect("3.14", never, "AttributeError: module '__mp_main__' has no attribute 'work'"),
        ],
    ),
    # SPS201 -------------------------------------------------------------
    Case(
        "lambda-task",
        "SPS201",
        r"(\S*PicklingError: .*)",
        SPAWN
        + """
if __name__ == "__main__":
    with ctx.Pool(1) as pool:
        print(pool.map(lambda x: x * 2, [1]))
""",
        [
            Expect(
                "3.8-3.13",
                since(3, 8),
                "_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: "
                "attribute lookup <lambda> on __main__ failed",
            ),
            Expect(
                "3.14",
                never,
                "_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: "
                "it's not found as __main__.<lambda>",
            ),
        ],
    ),
    Case(
        "nested-function-task",
        "SPS201",
        r"(\S*(?:AttributeError|PicklingError): Can't .*)",
        SPAWN
        + """
def main():
    def work(x):
        return x * 2

    with ctx.Pool(1) as pool:
        print(pool.map(work, [1]))

if __name__ == "__main__":
    main()
""",
        [
            Expect("3.8-3.12", before(3, 13), "AttributeError: Can't pickle local object 'main.<locals>.work'"),
            Expect("3.13", since(3, 13), "AttributeError: Can't get local object 'main.<locals>.work'"),
            Expect(
                "3.14",
                never,
                "_pickle.PicklingError: Can't pickle local object <function main.<locals>.work at 0x...>",
            ),
        ],
    ),
    Case(
        "not-the-same-object",
        "SPS201",
        r"(\S*PicklingError: .*)",
        SPAWN
        + """
import functools

def logged(func):
    @functools.wraps(func)
    def wrapper(*args):
        return func(*args)
    return wrapper

@logged
def work(x):
    return x * 2

if __name__ == "__main__":
    with ctx.Pool(1) as pool:
        print(pool.map(work.__wrapped__, [1]))
""",
        [
            Expect(
                "3.8-3.13",
                since(3, 8),
                "_pickle.PicklingError: Can't pickle <function work at 0x...>: "
                "it's not the same object as __main__.work",
            ),
            Expect(
                "3.14",
                never,
                "_pickle.PicklingError: Can't pickle <function work at 0x...>: "
                "it's not the same object as __main__.work",
            ),
        ],
    ),
    # SPS202 -------------------------------------------------------------
    Case(
        "queue-in-task",
        "SPS202",
        r"(RuntimeError: Queue objects.*)",
        SPAWN
        + """
def work(q):
    q.put(1)

if __name__ == "__main__":
    q = ctx.Queue()
    with ctx.Pool(1) as pool:
        pool.apply(work, (q,))
""",
        [
            Expect(
                "3.8-3.14",
                since(3, 8),
                "RuntimeError: Queue objects should only be shared between processes through inheritance",
            )
        ],
    ),
    Case(
        "lock-in-task",
        "SPS202",
        r"(RuntimeError: Lock objects.*)",
        SPAWN
        + """
def work(lock):
    with lock:
        return 1

if __name__ == "__main__":
    lock = ctx.Lock()
    with ctx.Pool(1) as pool:
        pool.apply(work, (lock,))
""",
        [
            Expect(
                "3.8-3.14",
                since(3, 8),
                "RuntimeError: Lock objects should only be shared between processes through inheritance",
            )
        ],
    ),
    Case(
        "thread-lock-arg",
        "SPS202",
        r"(TypeError: .*)",
        SPAWN
        + """
import threading

def work(lock):
    pass

if __name__ == "__main__":
    p = ctx.Process(target=work, args=(threading.Lock(),))
    p.start()
    p.join()
""",
        [Expect("3.8-3.14", since(3, 8), "TypeError: cannot pickle '_thread.lock' object")],
    ),
    Case(
        "log-handler-arg",
        "SPS202",
        r"(TypeError: .*)",
        SPAWN
        + """
import logging

def work(handler):
    pass

if __name__ == "__main__":
    p = ctx.Process(target=work, args=(logging.StreamHandler(),))
    p.start()
    p.join()
""",
        [Expect("3.8-3.14", since(3, 8), "TypeError: cannot pickle '_thread.RLock' object")],
    ),
    Case(
        "mmap-arg",
        "SPS202",
        r"(TypeError: .*)",
        SPAWN
        + """
import mmap

def work(buffer):
    pass

if __name__ == "__main__":
    p = ctx.Process(target=work, args=(mmap.mmap(-1, 16),))
    p.start()
    p.join()
""",
        [Expect("3.8-3.14", since(3, 8), "TypeError: cannot pickle 'mmap.mmap' object")],
    ),
    Case(
        "open-file-arg",
        "SPS202",
        r"(TypeError: .*)",
        SPAWN
        + """
def work(log):
    pass

if __name__ == "__main__":
    with open(__file__) as log:
        p = ctx.Process(target=work, args=(log,))
        p.start()
        p.join()
""",
        [
            Expect("3.8-3.11", before(3, 12), "TypeError: cannot pickle '_io.TextIOWrapper' object"),
            Expect("3.12-3.14", since(3, 12), "TypeError: cannot pickle 'TextIOWrapper' instances"),
        ],
    ),
    Case(
        "generator-arg",
        "SPS202",
        r"(TypeError: .*)",
        SPAWN
        + """
def work(rows):
    pass

if __name__ == "__main__":
    with ctx.Pool(1) as pool:
        pool.apply(work, ((n for n in range(3)),))
""",
        [Expect("3.8-3.14", since(3, 8), "TypeError: cannot pickle 'generator' object")],
    ),
    Case(
        "sqlite-arg",
        "SPS202",
        r"(TypeError: .*)",
        SPAWN
        + """
import sqlite3

def work(db):
    pass

if __name__ == "__main__":
    with ctx.Pool(1) as pool:
        pool.apply(work, (sqlite3.connect(":memory:"),))
""",
        [Expect("3.8-3.14", since(3, 8), "TypeError: cannot pickle 'sqlite3.Connection' object")],
    ),
    Case(
        "pool-arg",
        "SPS202",
        r"(NotImplementedError: .*)",
        SPAWN
        + """
def work(pool):
    pass

if __name__ == "__main__":
    with ctx.Pool(1) as pool:
        pool.apply(work, (pool,))
""",
        [
            Expect(
                "3.8-3.14",
                since(3, 8),
                "NotImplementedError: pool objects cannot be passed between processes or pickled",
            )
        ],
    ),
    Case(
        "started-process-arg",
        "SPS202",
        r"(TypeError: .*)",
        SPAWN
        + """
def work(other):
    pass

if __name__ == "__main__":
    first = ctx.Process(target=print)
    first.start()
    p = ctx.Process(target=work, args=(first,))
    try:
        p.start()
    finally:
        first.join()
""",
        [
            Expect("3.8-3.9", before(3, 10), "TypeError: cannot pickle 'weakref' object"),
            Expect("3.10-3.14", since(3, 10), "TypeError: cannot pickle 'weakref.ReferenceType' object"),
        ],
    ),
    Case(
        "started-process-task",
        "SPS202",
        r"(TypeError: .*)",
        SPAWN
        + """
def work(other):
    return other.name

if __name__ == "__main__":
    first = ctx.Process(target=print)
    first.start()
    try:
        with ctx.Pool(1) as pool:
            pool.apply(work, (first,))
    finally:
        first.join()
""",
        [
            Expect(
                "3.8-3.14",
                since(3, 8),
                "TypeError: Pickling an AuthenticationString object is disallowed for security reasons",
            )
        ],
    ),
    # SPS203 -------------------------------------------------------------
    Case(
        "process-subclass-lock",
        "SPS203",
        r"(TypeError: .*)",
        SPAWN
        + """
import threading

class Worker(ctx.Process):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()

    def run(self):
        pass

if __name__ == "__main__":
    w = Worker()
    w.start()
    w.join()
""",
        [Expect("3.8-3.14", since(3, 8), "TypeError: cannot pickle '_thread.lock' object")],
    ),
    # SPS204 -------------------------------------------------------------
    Case(
        "interactive-main",
        "SPS204",
        r"(AttributeError: Can't get attribute.*)",
        SPAWN
        + """
def work(x):
    print(x * 2)

p = ctx.Process(target=work, args=(1,))
p.start()
p.join()
""",
        [
            Expect(
                "3.8-3.11",
                before(3, 12),
                "AttributeError: Can't get attribute 'work' on <module '__main__' (built-in)>",
            ),
            Expect(
                "3.12-3.13",
                since(3, 12),
                "AttributeError: Can't get attribute 'work' on "
                "<module '__main__' (<class '_frozen_importlib.BuiltinImporter'>)>",
            ),
            Expect("3.14", never, "AttributeError: module '__main__' has no attribute 'work'"),
        ],
        inline=True,
    ),
    # SPS205 -------------------------------------------------------------
    Case(
        "getattr-recursion",
        "SPS205",
        r"(RecursionError: .*)",
        SPAWN
        + """
class Settings:
    def __init__(self, **values):
        self._values = values

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

def work(settings):
    return settings.size

if __name__ == "__main__":
    p = ctx.Process(target=work, args=(Settings(size=1),))
    p.start()
    p.join()
""",
        [
            Expect("3.8-3.14", since(3, 8), "RecursionError: maximum recursion depth exceeded"),
        ],
    ),
    Case(
        "dict-subclass-setitem",
        "SPS205",
        r"(AttributeError: .*)",
        SPAWN
        + """
class AuditedDict(dict):
    def __init__(self, *args):
        self._changes = []
        super().__init__(*args)

    def __setitem__(self, key, value):
        self._changes.append(key)
        super().__setitem__(key, value)

def work(d):
    return len(d)

if __name__ == "__main__":
    d = AuditedDict()
    d["a"] = 1
    p = ctx.Process(target=work, args=(d,))
    p.start()
    p.join()
""",
        [Expect("3.8-3.14", since(3, 8), "AttributeError: 'AuditedDict' object has no attribute '_changes'")],
    ),
    Case(
        "set-subclass-init",
        "SPS205",
        r"(TypeError: .*)",
        SPAWN
        + """
class UserSet(set):
    def __init__(self, name, items):
        super().__init__(items)
        self.name = name

def work(s):
    return len(s)

if __name__ == "__main__":
    p = ctx.Process(target=work, args=(UserSet("ids", [1, 2]),))
    p.start()
    p.join()
""",
        [
            Expect("3.8-3.9", before(3, 10), "TypeError: __init__() missing 1 required positional argument: 'items'"),
            Expect(
                "3.10-3.14",
                since(3, 10),
                "TypeError: UserSet.__init__() missing 1 required positional argument: 'items'",
            ),
        ],
    ),
    Case(
        "state-disagrees",
        "SPS205",
        r"(TypeError: .*)",
        SPAWN
        + """
class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __getstate__(self):
        return (self.x, self.y)

    def __setstate__(self, state):
        self.x = state["x"]
        self.y = state["y"]

def work(p):
    return p.x

if __name__ == "__main__":
    p = ctx.Process(target=work, args=(Point(1, 2),))
    p.start()
    p.join()
""",
        [Expect("3.8-3.14", since(3, 8), "TypeError: tuple indices must be integers or slices, not str")],
    ),
    # SPS206 -------------------------------------------------------------
    Case(
        "match-result",
        "SPS206",
        r"(\S*MaybeEncodingError: .*)",
        SPAWN
        + """
import re

def work(text):
    return re.match(r"\\d", text)

if __name__ == "__main__":
    with ctx.Pool(1) as pool:
        print(pool.map(work, ["1"]))
""",
        [
            Expect(
                "3.8-3.14",
                since(3, 8),
                "multiprocessing.pool.MaybeEncodingError: Error sending result: "
                "'[<re.Match object; span=(0, 1), match='1'>]'. "
                "Reason: 'TypeError(\"cannot pickle 're.Match' object\")'",
            )
        ],
    ),
    Case(
        "executor-result",
        "SPS206",
        r"(TypeError: .*)",
        SPAWN
        + """
import re
from concurrent.futures import ProcessPoolExecutor

def work(text):
    return re.match(r"\\d", text)

if __name__ == "__main__":
    with ProcessPoolExecutor(1, mp_context=ctx) as executor:
        print(executor.submit(work, "1").result())
""",
        [Expect("3.8-3.14", since(3, 8), "TypeError: cannot pickle 're.Match' object")],
    ),
    Case(
        "exception-init-args",
        "SPS206",
        r"(TypeError: .*)",
        SPAWN
        + """
from concurrent.futures import ProcessPoolExecutor

class JobError(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code

def work(x):
    raise JobError("negative item", x)

if __name__ == "__main__":
    with ProcessPoolExecutor(1, mp_context=ctx) as executor:
        executor.submit(work, -1).result()
""",
        [
            Expect("3.8-3.9", before(3, 10), "TypeError: __init__() missing 1 required positional argument: 'code'"),
            Expect(
                "3.10-3.14",
                since(3, 10),
                "TypeError: JobError.__init__() missing 1 required positional argument: 'code'",
            ),
        ],
    ),
    # SPS207 -------------------------------------------------------------
    Case(
        "queue-feeder-item",
        "SPS207",
        r"(TypeError: .*)",
        SPAWN
        + """
import time

if __name__ == "__main__":
    q = ctx.Queue()
    q.put(n for n in range(3))
    time.sleep(1)
""",
        [Expect("3.8-3.14", since(3, 8), "TypeError: cannot pickle 'generator' object")],
    ),
    # SPS208 -------------------------------------------------------------
    Case(
        "manager-lambda",
        "SPS208",
        r"(\S*PicklingError: .*)",
        SPAWN
        + """
from multiprocessing.managers import BaseManager

class Registry(BaseManager):
    pass

Registry.register("Counter", callable=lambda: {"n": 0})

if __name__ == "__main__":
    with Registry(ctx=ctx) as manager:
        print(manager.Counter())
""",
        [
            Expect(
                "3.8-3.13",
                since(3, 8),
                "_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: "
                "attribute lookup <lambda> on __main__ failed",
            ),
            Expect(
                "3.14",
                never,
                "_pickle.PicklingError: Can't pickle <function <lambda> at 0x...>: "
                "it's not found as __main__.<lambda>",
            ),
        ],
    ),
    # SPS301 -------------------------------------------------------------
    Case(
        "global-set-in-guard",
        "SPS301",
        r"(NameError: .*)",
        SPAWN
        + """
def work(code):
    return country_names[code]

if __name__ == "__main__":
    country_names = {"fr": "France"}
    with ctx.Pool(1) as pool:
        print(pool.map(work, ["fr"]))
""",
        [Expect("3.8-3.14", since(3, 8), "NameError: name 'country_names' is not defined")],
    ),
    # SPS305 -------------------------------------------------------------
    Case(
        "input-in-child",
        "SPS305",
        r"(EOFError: .*)",
        SPAWN
        + """
def work():
    input("continue? ")

if __name__ == "__main__":
    p = ctx.Process(target=work)
    p.start()
    p.join()
""",
        [Expect("3.8-3.14", since(3, 8), "EOFError: EOF when reading a line")],
    ),
    # SPS306 -------------------------------------------------------------
    Case(
        "daemonic-children",
        "SPS306",
        r"(AssertionError: .*)",
        SPAWN
        + """
def inner(x):
    return x

def outer(x):
    with ctx.Pool(1) as pool:
        return pool.map(inner, [x])

if __name__ == "__main__":
    with ctx.Pool(1) as pool:
        print(pool.map(outer, [1]))
""",
        [Expect("3.8-3.14", since(3, 8), "AssertionError: daemonic processes are not allowed to have children")],
    ),
    # SPS401 -------------------------------------------------------------
    Case(
        "fork-on-windows",
        "SPS401",
        r"(ValueError: cannot find context.*)",
        """
import multiprocessing as mp
mp.get_context("fork")
""",
        # Windows only (no fork context there): cited from Lib/multiprocessing/context.py.
        [
            Expect("3.8-3.14 (Linux)", since(3, 8), None),
            Expect("3.8-3.14 (Windows)", never, "ValueError: cannot find context for 'fork'"),
        ],
    ),
    # SPS402 -------------------------------------------------------------
    Case(
        "windows-max-workers",
        "SPS402",
        r"(ValueError: .*)",
        """
import sys
from concurrent.futures import ProcessPoolExecutor
# The check CPython runs on Windows, reached here by naming the platform.
sys.platform = "win32"
ProcessPoolExecutor(max_workers=62)
""",
        [Expect("3.8-3.14", since(3, 8), "ValueError: max_workers must be <= 61")],
    ),
    # SPS403 -------------------------------------------------------------
    Case(
        "frozen-child-argparse",
        "SPS403",
        r"(error: unrecognized arguments: .*)",
        """
import argparse
parser = argparse.ArgumentParser()
parser.add_argument("--workers", type=int, default=2)
parser.parse_args()
""",
        # The command line spawn gives a frozen child (spawn.get_command_line).
        [
            Expect(
                "3.8-3.14",
                since(3, 8),
                "error: unrecognized arguments: --multiprocessing-fork parent_pid=... pipe_handle=5",
            )
        ],
        argv=("--multiprocessing-fork", "parent_pid=1", "pipe_handle=5"),
    ),
    # SPS404 -------------------------------------------------------------
    Case(
        "fork-with-threads",
        "SPS404",
        r"(DeprecationWarning: This process .*)",
        """
import os, threading, time, warnings
warnings.simplefilter("always")
threading.Thread(target=time.sleep, args=(2,), daemon=True).start()
pid = os.fork()
if pid == 0:
    os._exit(0)
os.waitpid(pid, 0)
""",
        [
            Expect("3.8-3.11", before(3, 12), None),
            Expect(
                "3.12-3.14",
                since(3, 12),
                "DeprecationWarning: This process (pid=...) is multi-threaded, "
                "use of fork() may lead to deadlocks in the child.",
            ),
        ],
    ),
]


def clone(name: str, rule: str, of: str) -> Case:
    """The same mechanism reported by another rule: the same program and message."""
    original = next(case for case in CASES if case.name == of)
    return Case(name, rule, original.pattern, original.script, original.expect, original.inline, original.argv)


CASES += [
    clone("import-time-bootstrap", "SPS103", "bootstrap"),
    clone("import-time-bootstrap-doc-link", "SPS103", "bootstrap-doc-link"),
    clone("input-at-import", "SPS302", "input-in-child"),
]

def normalise(output: str, folder: str) -> str:
    output = output.replace(folder, "/path/to")
    output = re.sub(r"0x[0-9a-fA-F]+", "0x...", output)
    return re.sub(r"pid=\d+", "pid=...", output)


def run_case(python: str, case: Case) -> Optional[str]:
    """The case's message on this interpreter, or None when no line matches."""
    with tempfile.TemporaryDirectory() as folder:
        folder = os.path.realpath(folder)
        script = os.path.join(folder, "script.py")
        with open(script, "w") as handle:
            handle.write(textwrap.dedent(case.script))
        command = [python, "-c", textwrap.dedent(case.script)] if case.inline else [python, script]
        command += list(case.argv)
        process = subprocess.Popen(
            command,
            cwd=folder,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "default"},
        )
        try:
            output, _ = process.communicate("", timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        output = normalise(output, folder)
    pattern = re.compile(case.pattern)
    for line in output.splitlines():
        found = pattern.search(line)
        if found:
            return (found.group(1) if pattern.groups else found.group(0)).strip()
    return None


def version_of(python: str) -> Version:
    printed = subprocess.run(
        [python, "-c", "import sys; print(*sys.version_info[:3])"], capture_output=True, text=True, check=True
    ).stdout
    return tuple(int(part) for part in printed.split())


def expected(case: Case, version: Version) -> Optional[Expect]:
    return next((e for e in case.expect if e.applies(version)), None)


def installed() -> list:
    found = sorted(glob.glob("/root/.pyenv/versions/3.*/bin/python3.*[0-9]"))
    pythons = sorted((p for p in found if version_of(p) >= (3, 8)), key=version_of)
    return pythons or ["python3"]


def rule_sections(docs: str) -> dict:
    """docs/rules.md split at the rules' headings (`## name (SPSxxx)`)."""
    sections = {}
    current = None
    for line in docs.splitlines():
        heading = re.match(r"## \S+ \((SPS\d+)\)$", line)
        if heading:
            current = heading.group(1)
            sections[current] = []
        elif current:
            sections[current].append(line)
    return sections


def check_docs(path: str) -> list:
    """Every message a case expects is quoted in its rule's docs, in a table
    row whose first column is the expectation's label."""
    with open(path) as handle:
        sections = rule_sections(handle.read())
    problems = []
    for case in CASES:
        lines = sections.get(case.rule, [])
        for e in case.expect:
            if e.text is None:
                continue
            row = f"| {e.label} | `{e.text}` |"
            if not any(line.startswith(row) for line in lines):
                problems.append(f"{case.rule} docs lack the row for {case.name}: {row}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", action="append", help="interpreter(s) to run (default: every installed 3.8+)")
    parser.add_argument("--check", action="store_true", help="python3 only; exit 1 on a difference")
    parser.add_argument("--docs", default=DOCS, help="the rules document to check (with --check)")
    parser.add_argument("cases", nargs="*", help="case names (default: all)")
    options = parser.parse_args()
    pythons = options.python or (["python3"] if options.check else installed())
    cases = [c for c in CASES if not options.cases or c.name in options.cases]
    versions = {python: version_of(python) for python in pythons}

    jobs = [(python, case) for case in cases for python in pythons]
    keys = [(python, case.name) for python, case in jobs]
    with ThreadPoolExecutor(2) as executor:
        results = dict(zip(keys, executor.map(lambda job: run_case(*job), jobs)))

    failures = []
    header = ["rule", "case"] + [".".join(map(str, versions[p])) for p in pythons]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for case in cases:
        cells = []
        for python in pythons:
            got = results[(python, case.name)]
            want = expected(case, versions[python])
            if want is not None and got == want.text:
                cells.append(f"ok ({want.label})")
            else:
                cells.append(f"DIFFERS: {got!r}")
                failures.append(f"{case.name} on {versions[python]}: got {got!r}, docs say {want and want.text!r}")
        print(f"| {case.rule} | {case.name} | " + " | ".join(cells) + " |")
    print()
    for case in cases:
        for e in case.expect:
            print(f"{case.rule} {case.name} [{e.label}]: {e.text}")
    if options.check:
        failures += check_docs(options.docs)
    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
