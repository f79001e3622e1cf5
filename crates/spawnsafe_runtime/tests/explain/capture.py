"""Captures the traceback corpus of `spawnsafe explain` from real CPython runs.

Every case below is a small program that triggers one hazard. The script writes
it to `programs/<case>/`, runs a temporary copy of it with CPython under a start
method forced as the default (the repo's `python/spawnsafe/_bootstrap.py`, as the oracle
does: spawn, forkserver, fork, or "windows" = spawn without the fork and
forkserver contexts), and writes what the program printed on stderr to
`corpus/<case>.txt`. It checks that the text the case claims (`must`) really is
there, and records the signatures `spawnsafe explain` must find in
`corpus/expected.txt` (the Rust test `tests/explain.rs` asserts them and
snapshots the rendered explanations).

Normalised so that a re-run gives the same files: the temporary directory
becomes `/home/dev/<case>` (the test maps it back to `programs/<case>`, so the
local check runs on the real programs), object addresses become
`0x7f0000000000`. A case that hangs (an unguarded `Pool` replaces its dying
workers forever) is killed after it has printed its claim twice; where child
tracebacks interleave, the order can differ between runs.

Usage: python3 capture.py [--python PYTHON] [CASE...]
       python3 capture.py --python python3.8 --variant py38 CASE...
  (`--variant`: another version's text, written to
  `corpus/handwritten/<variant>_<case>.txt`; programs, manifest and
  expectations are left alone, add the line to handwritten/expected.txt)
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BOOTSTRAP = os.path.join(HERE, "..", "..", "..", "..", "python", "spawnsafe", "_bootstrap.py")
PROGRAMS = os.path.join(HERE, "programs")
CORPUS = os.path.join(HERE, "corpus")
FAKE_HOME = "/home/dev"

BOOTSTRAPPING = "An attempt has been made to start a new process"


class Case:
    def __init__(self, name, files, method, must, expect, run=None, timeout=20.0, hang=False, stdin=None,
                 fork_fails=None, stdin_file=None):
        self.name = name
        self.files = {path: textwrap.dedent(text).lstrip("\n") for path, text in files.items()}
        self.method = method
        self.must = must
        self.expect = expect  # (signatures, codes)
        self.run = run or ["main.py"]
        self.timeout = timeout
        self.hang = hang
        self.stdin = stdin  # bytes the parent reads from its standard input
        if stdin_file is not None:  # or one of its files
            self.stdin = self.files[stdin_file].encode("utf-8")
        # Why plain `python3` (fork on Linux up to 3.13) fails too, or None when
        # it runs the program fine (crates/spawnsafe/tests/run.rs checks both).
        self.fork_fails = fork_fails


CASES = []


def case(*args, **kwargs):
    CASES.append(Case(*args, **kwargs))


# --- main-module import safety ----------------------------------------------

UNGUARDED_POOL = """
    from multiprocessing import Pool

    def square(x):
        return x * x

    pool = Pool(2)
    print(pool.map(square, range(4)))
"""
for method in ("spawn", "forkserver"):
    case(f"unguarded_pool_{method}", {"main.py": UNGUARDED_POOL}, method, BOOTSTRAPPING,
         ("bootstrapping", "SPS101"), hang=True)

UNGUARDED_PROCESS = """
    import multiprocessing as mp

    def greet(name):
        print("hello", name)

    p = mp.Process(target=greet, args=("world",))
    p.start()
    p.join()
"""
for method in ("spawn", "forkserver", "windows"):
    case(f"unguarded_process_{method}", {"main.py": UNGUARDED_PROCESS}, method, BOOTSTRAPPING,
         ("bootstrapping", "SPS101"))

case("unguarded_executor", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    def cube(x):
        return x ** 3

    with ProcessPoolExecutor(max_workers=2) as executor:
        print(list(executor.map(cube, range(5))))
"""}, "spawn", "BrokenProcessPool", ("bootstrapping,broken-process-pool", "SPS101"))

case("unguarded_main_call", {"main.py": """
    import multiprocessing

    def work(n):
        return n + 1

    def main():
        procs = [multiprocessing.Process(target=work, args=(i,)) for i in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()

    main()
"""}, "spawn", BOOTSTRAPPING, ("bootstrapping", "SPS101"))

case("unguarded_manager", {"main.py": """
    from multiprocessing import Manager

    manager = Manager()
    shared = manager.dict()
    shared["a"] = 1
    print(dict(shared))
"""}, "spawn", BOOTSTRAPPING, ("bootstrapping", "SPS101"))

case("unguarded_in_try_for", {"main.py": """
    import multiprocessing as mp

    def job(i):
        return i

    ctx = mp.get_context("spawn")
    for i in range(1):
        try:
            p = ctx.Process(target=job, args=(i,))
            p.start()
            p.join()
        except KeyboardInterrupt:
            pass
"""}, "fork", BOOTSTRAPPING, ("bootstrapping", "SPS101"),
     fork_fails="the program itself asks for get_context('spawn')")

case("import_time_pool_in_library", {
    "main.py": """
        import reports

        if __name__ == "__main__":
            print(reports.summary())
    """,
    "reports.py": """
        import multiprocessing

        def _load(i):
            return i * 10

        # Warms a cache when imported: every spawn child that imports this module starts processes.
        _pool = multiprocessing.Pool(2)
        _CACHE = _pool.map(_load, range(3))
        _pool.close()

        def summary():
            return sum(_CACHE)
    """,
}, "spawn", BOOTSTRAPPING, ("bootstrapping", "SPS103"), hang=True,
     fork_fails="the module-level Pool hangs at interpreter exit under fork too")

case("import_time_process_in_helper", {
    "main.py": """
        from helpers import launch

        def work():
            print("working")

        launch(work)
    """,
    "helpers.py": """
        import multiprocessing

        def launch(target):
            p = multiprocessing.Process(target=target)
            p.start()
            p.join()
    """,
}, "spawn", BOOTSTRAPPING, ("bootstrapping", "SPS101"))

case("module_run_unguarded", {
    "pkg/__init__.py": "",
    "pkg/tool.py": """
        import multiprocessing

        def ping(q):
            q.put("pong")

        q = multiprocessing.Queue()
        p = multiprocessing.Process(target=ping, args=(q,))
        p.start()
        print(q.get())
        p.join()
    """,
}, "spawn", BOOTSTRAPPING, ("bootstrapping", "SPS101"), run=["-m", "pkg.tool"], hang=True)

case("set_start_method_twice", {"main.py": """
    import multiprocessing as mp

    def configure():
        mp.set_start_method("spawn")

    if __name__ == "__main__":
        mp.set_start_method("spawn")
        configure()
"""}, "spawn", "context has already been set", ("context-already-set", "SPS104"),
     fork_fails="a second set_start_method raises under every start method")

case("set_start_method_at_import", {"main.py": """
    import multiprocessing as mp

    mp.set_start_method("spawn")

    def task():
        print("task ran")

    if __name__ == "__main__":
        p = mp.Process(target=task)
        p.start()
        p.join()
"""}, "spawn", "context has already been set", ("context-already-set", "SPS104"),
     fork_fails="the program itself sets spawn, whose children re-run the call")

case("set_start_method_after_queue", {"main.py": """
    import multiprocessing as mp

    if __name__ == "__main__":
        results = mp.Queue()
        mp.set_start_method("forkserver")
"""}, "forkserver", "context has already been set", ("context-already-set", "SPS104"),
     fork_fails="the Queue fixes the default context (fork) before set_start_method")

case("worker_defined_in_guard_process", {"main.py": """
    import multiprocessing

    if __name__ == "__main__":
        def render(page):
            print("rendering", page)

        p = multiprocessing.Process(target=render, args=(1,))
        p.start()
        p.join()
"""}, "spawn", "Can't get attribute 'render'", ("missing-in-mp-main", "SPS105"))

case("worker_defined_in_guard_executor", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    if __name__ == "__main__":
        def checksum(data):
            return sum(data) % 256

        with ProcessPoolExecutor(2) as pool:
            print(pool.submit(checksum, b"abc").result())
"""}, "spawn", "BrokenProcessPool", ("missing-in-mp-main,broken-process-pool", "SPS105"))

case("worker_defined_in_guard_pool", {"main.py": """
    from multiprocessing import Pool

    if __name__ == "__main__":
        def word_count(line):
            return len(line.split())

        with Pool(2) as pool:
            print(pool.map(word_count, ["a b", "c"]))
"""}, "forkserver", "Can't get attribute 'word_count'", ("missing-in-mp-main", "SPS105"), hang=True)

case("class_defined_in_guard", {"main.py": """
    import multiprocessing

    def show(point):
        print(point.x, point.y)

    if __name__ == "__main__":
        class Point:
            def __init__(self, x, y):
                self.x, self.y = x, y

        p = multiprocessing.Process(target=show, args=(Point(1, 2),))
        p.start()
        p.join()
"""}, "spawn", "Can't get attribute 'Point'", ("missing-in-mp-main", "SPS105"))

case("package_main_worker", {
    "app/__init__.py": "",
    "app/__main__.py": """
        from multiprocessing import Process

        def copy_tree(src):
            print("copying", src)

        if __name__ == "__main__":
            p = Process(target=copy_tree, args=("data",))
            p.start()
            p.join()
    """,
}, "spawn", "(built-in)", ("missing-in-builtin-main", "SPS204"), run=["-m", "app"])

case("notebook_cell_worker", {"analysis.ipynb": """
    {
     "cells": [
      {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [],
       "source": ["def score(x):\\n", "    return x * 2\\n"]},
      {"cell_type": "code", "execution_count": 2, "metadata": {}, "outputs": [],
       "source": ["from concurrent.futures import ProcessPoolExecutor\\n",
                  "with ProcessPoolExecutor(2) as ex:\\n",
                  "    print(list(ex.map(score, range(3))))\\n"]}
     ],
     "metadata": {}, "nbformat": 4, "nbformat_minor": 5
    }
"""}, "spawn", "(built-in)", ("missing-in-builtin-main,broken-process-pool", "SPS204"),
     run=["analysis.ipynb"])

# --- picklability -----------------------------------------------------------

LAMBDA_POOL = """
    from multiprocessing import Pool

    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.map(lambda x: x + 1, range(3)))
"""
for method in ("spawn", "fork"):
    case(f"pool_map_lambda_{method}", {"main.py": LAMBDA_POOL}, method, "attribute lookup <lambda>",
         ("unpicklable-callable", "SPS201"), fork_fails="pool tasks are pickled under every start method")

case("pool_imap_local_function", {"main.py": """
    from multiprocessing import Pool

    def main(scale):
        def work(x):
            return x * scale

        with Pool(2) as pool:
            for value in pool.imap(work, range(4)):
                print(value)

    if __name__ == "__main__":
        main(3)
"""}, "spawn", "Can't pickle local object", ("unpicklable-callable", "SPS201"),
     fork_fails="pool tasks are pickled under every start method")

case("process_target_closure", {"main.py": """
    import multiprocessing

    def make_worker(prefix):
        def worker(item):
            print(prefix, item)
        return worker

    if __name__ == "__main__":
        p = multiprocessing.Process(target=make_worker(">"), args=("x",))
        p.start()
        p.join()
"""}, "spawn", "Can't pickle local object", ("unpicklable-callable", "SPS201"))

case("process_target_lambda", {"main.py": """
    import multiprocessing

    if __name__ == "__main__":
        p = multiprocessing.Process(target=lambda: print("hi"))
        p.start()
        p.join()
"""}, "forkserver", "attribute lookup <lambda>", ("unpicklable-callable", "SPS201"))

case("executor_submit_lambda", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    if __name__ == "__main__":
        with ProcessPoolExecutor(2) as executor:
            future = executor.submit(lambda: 42)
            print(future.result())
"""}, "spawn", "attribute lookup <lambda>", ("unpicklable-callable", "SPS201"),
     fork_fails="executor tasks are pickled under every start method")

case("executor_map_local_class_method", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    def run():
        class Scaler:
            def __init__(self, k):
                self.k = k

            def apply(self, x):
                return x * self.k

        with ProcessPoolExecutor(2) as executor:
            print(list(executor.map(Scaler(2).apply, range(3))))

    if __name__ == "__main__":
        run()
"""}, "spawn", "Can't pickle local object", ("unpicklable-callable", "SPS201"),
     fork_fails="executor tasks are pickled under every start method")

case("partial_of_nested", {"main.py": """
    import functools
    from multiprocessing import Pool

    def main():
        def add(a, b):
            return a + b

        with Pool(2) as pool:
            print(pool.map(functools.partial(add, 10), range(3)))

    if __name__ == "__main__":
        main()
"""}, "spawn", "Can't pickle local object", ("unpicklable-callable", "SPS201"),
     fork_fails="pool tasks are pickled under every start method")

case("pool_initializer_lambda", {"main.py": """
    from multiprocessing import Pool

    def double(x):
        return 2 * x

    if __name__ == "__main__":
        with Pool(2, initializer=lambda: None) as pool:
            print(pool.map(double, range(3)))
"""}, "spawn", "attribute lookup <lambda>", ("unpicklable-callable", "SPS201"))

case("pool_starmap_queue", {"main.py": """
    import multiprocessing as mp

    def work(i, progress):
        progress.put(i)
        return i

    if __name__ == "__main__":
        progress = mp.Queue()
        with mp.Pool(2) as pool:
            print(pool.starmap(work, [(i, progress) for i in range(3)]))
"""}, "spawn", "Queue objects should only be shared", ("shared-through-inheritance", "SPS202"),
     fork_fails="task arguments are pickled under every start method")

case("pool_apply_async_event", {"main.py": """
    import multiprocessing as mp

    def wait_for(stop):
        stop.wait(0.1)

    if __name__ == "__main__":
        stop = mp.Event()
        with mp.Pool(2) as pool:
            pool.apply_async(wait_for, (stop,)).get()
"""}, "fork", "objects should only be shared", ("shared-through-inheritance", "SPS202"),
     fork_fails="task arguments are pickled under every start method")

case("executor_submit_lock", {"main.py": """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    def locked_add(lock, x):
        with lock:
            return x + 1

    if __name__ == "__main__":
        lock = multiprocessing.Lock()
        with ProcessPoolExecutor(2) as executor:
            print(executor.submit(locked_add, lock, 1).result())
"""}, "spawn", "Lock objects should only be shared", ("shared-through-inheritance", "SPS202"),
     fork_fails="task arguments are pickled under every start method")

case("executor_map_value", {"main.py": """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    def bump(counter):
        counter.value += 1

    if __name__ == "__main__":
        counter = multiprocessing.Value("i", 0)
        with ProcessPoolExecutor(2) as executor:
            list(executor.map(bump, [counter, counter]))
"""}, "forkserver", "Synchronized objects should only be shared", ("shared-through-inheritance", "SPS202"),
     fork_fails="task arguments are pickled under every start method")

case("process_args_threading_lock", {"main.py": """
    import multiprocessing
    import threading

    def count(lock):
        with lock:
            print("counted")

    if __name__ == "__main__":
        lock = threading.Lock()
        p = multiprocessing.Process(target=count, args=(lock,))
        p.start()
        p.join()
"""}, "spawn", "cannot pickle '_thread.lock' object", ("unpicklable-object", "SPS202"))

case("process_args_open_file", {"main.py": """
    import multiprocessing

    def log_to(handle):
        handle.write("child\\n")

    if __name__ == "__main__":
        with open("run.log", "w") as log:
            p = multiprocessing.Process(target=log_to, args=(log,))
            p.start()
            p.join()
"""}, "spawn", "cannot pickle '_io.TextIOWrapper' object", ("unpicklable-object", "SPS202"))

case("process_args_generator", {"main.py": """
    import multiprocessing

    def consume(items):
        for item in items:
            print(item)

    if __name__ == "__main__":
        items = (i * i for i in range(3))
        p = multiprocessing.Process(target=consume, args=(items,))
        p.start()
        p.join()
"""}, "windows", "cannot pickle 'generator' object", ("unpicklable-object", "SPS202"))

case("process_kwargs_sqlite", {"main.py": """
    import multiprocessing
    import sqlite3

    def insert(db=None):
        db.execute("select 1")

    if __name__ == "__main__":
        db = sqlite3.connect(":memory:")
        p = multiprocessing.Process(target=insert, kwargs={"db": db})
        p.start()
        p.join()
"""}, "spawn", "cannot pickle 'sqlite3.Connection' object", ("unpicklable-object", "SPS202"))

case("process_args_pool_object", {"main.py": """
    import multiprocessing

    def use(pool):
        print(pool.map(abs, [-1]))

    if __name__ == "__main__":
        with multiprocessing.Pool(1) as pool:
            p = multiprocessing.Process(target=use, args=(pool,))
            p.start()
            p.join()
"""}, "spawn", "pool objects cannot be passed between processes", ("unpicklable-object", "SPS202"),
     fork_fails="a forked child's copy of a Pool has no handler threads: it hangs")

case("pool_task_process_handle", {"main.py": """
    import multiprocessing
    import time

    def watch(proc):
        return proc.pid

    if __name__ == "__main__":
        sleeper = multiprocessing.Process(target=time.sleep, args=(0.2,))
        sleeper.start()
        with multiprocessing.Pool(1) as pool:
            print(pool.apply(watch, (sleeper,)))
        sleeper.join()
"""}, "spawn", "AuthenticationString", ("unpicklable-object", "SPS202"),
     fork_fails="task arguments are pickled under every start method")

case("process_subclass_lock_attribute", {"main.py": """
    import multiprocessing
    import threading

    class Counter(multiprocessing.Process):
        def __init__(self):
            super().__init__()
            self.guard = threading.Lock()

        def run(self):
            with self.guard:
                print("counting")

    if __name__ == "__main__":
        c = Counter()
        c.start()
        c.join()
"""}, "spawn", "cannot pickle '_thread.lock' object", ("unpicklable-object", "SPS203"))

# --- state and behaviour ----------------------------------------------------

case("daemonic_pool_in_pool_worker", {"main.py": """
    from multiprocessing import Pool

    def inner(x):
        return x + 1

    def outer(n):
        with Pool(2) as pool:
            return sum(pool.map(inner, range(n)))

    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.map(outer, [2, 3]))
"""}, "spawn", "daemonic processes are not allowed to have children",
     ("daemonic-children", "SPS306"),
     fork_fails="pool workers are daemonic under every start method")

case("daemonic_process_child", {"main.py": """
    import multiprocessing

    def leaf():
        print("leaf")

    def branch():
        p = multiprocessing.Process(target=leaf)
        p.start()
        p.join()

    if __name__ == "__main__":
        d = multiprocessing.Process(target=branch, daemon=True)
        d.start()
        d.join()
"""}, "fork", "daemonic processes are not allowed to have children",
     ("daemonic-children", "SPS306"),
     fork_fails="a daemonic process has no children under every start method")

case("executor_in_pool_task", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import Pool

    def leaf(x):
        return -x

    def fan_out(n):
        with ProcessPoolExecutor(2) as executor:
            return list(executor.map(leaf, range(n)))

    if __name__ == "__main__":
        with Pool(1) as pool:
            print(pool.apply(fan_out, (2,)))
"""}, "forkserver", "daemonic processes are not allowed to have children",
     ("daemonic-children", "SPS306"),
     fork_fails="pool workers are daemonic under every start method")

case("stdin_in_worker", {"main.py": """
    import multiprocessing

    def confirm(path):
        answer = input(f"delete {path}? ")
        print(answer)

    if __name__ == "__main__":
        p = multiprocessing.Process(target=confirm, args=("/tmp/x",))
        p.start()
        p.join()
"""}, "spawn", "EOFError", ("stdin-in-child", "SPS305"),
     fork_fails="a child's stdin is os.devnull under every start method")

case("toplevel_input_rerun", {"main.py": """
    import multiprocessing

    name = input("your name: ")

    def greet(n):
        print("hello", n)

    if __name__ == "__main__":
        p = multiprocessing.Process(target=greet, args=(name,))
        p.start()
        p.join()
"""}, "spawn", "EOFError", ("stdin-in-child", "SPS302"), stdin=b"alice\n")

case("global_set_in_guard_pool", {"main.py": """
    import multiprocessing

    def scaled(x):
        return x * FACTOR

    if __name__ == "__main__":
        FACTOR = 10
        with multiprocessing.Pool(2) as pool:
            print(pool.map(scaled, [1, 2, 3]))
"""}, "spawn", "NameError: name 'FACTOR' is not defined", ("global-missing-in-child", "SPS301"))

case("global_assigned_in_main_process", {"main.py": """
    import multiprocessing

    def report():
        print("writing to", OUTPUT_DIR)

    def main():
        global OUTPUT_DIR
        OUTPUT_DIR = "/tmp/out"
        p = multiprocessing.Process(target=report)
        p.start()
        p.join()

    if __name__ == "__main__":
        main()
"""}, "forkserver", "NameError: name 'OUTPUT_DIR' is not defined", ("global-missing-in-child", "SPS301"))

# Python 3.11+: asyncio's TaskGroup reports the worker's failure in an
# ExceptionGroup, drawn in boxes, with the child's traceback inside.
case("taskgroup_executor_global", {"main.py": """
    import asyncio
    from concurrent.futures import ProcessPoolExecutor

    def scaled(x):
        return x * FACTOR

    async def scale_in_child(executor, x):
        return await asyncio.get_running_loop().run_in_executor(executor, scaled, x)

    async def main():
        with ProcessPoolExecutor(2) as executor:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(scale_in_child(executor, x)) for x in (1, 2)]
        print([task.result() for task in tasks])

    if __name__ == "__main__":
        FACTOR = 10
        asyncio.run(main())
"""}, "spawn", "Exception Group Traceback", ("global-missing-in-child", "SPS301"))

case("getattr_recursion_process_arg", {"main.py": """
    import multiprocessing

    class Record:
        def __init__(self, fields):
            self.fields = fields

        def __getattr__(self, name):
            return self.fields[name]

    def show(record):
        print(record.name)

    if __name__ == "__main__":
        p = multiprocessing.Process(target=show, args=(Record({"name": "ada"}),))
        p.start()
        p.join()
"""}, "spawn", "RecursionError", ("failed-unpickling", "SPS205"))

case("dict_subclass_setitem_process_arg", {"main.py": """
    import multiprocessing

    class Registry(dict):
        def __init__(self, owner):
            super().__init__()
            self.owner = owner

        def __setitem__(self, key, value):
            super().__setitem__(key, (self.owner, value))

    def show(registry):
        print(registry)

    if __name__ == "__main__":
        registry = Registry("ada")
        registry["x"] = 1
        p = multiprocessing.Process(target=show, args=(registry,))
        p.start()
        p.join()
"""}, "windows", "'Registry' object has no attribute 'owner'", ("failed-unpickling", "SPS205"))

case("malformed_guard_always_true", {"main.py": """
    import multiprocessing

    def greet(name):
        print("hello", name)

    if "__main__":
        p = multiprocessing.Process(target=greet, args=("world",))
        p.start()
        p.join()
"""}, "spawn", BOOTSTRAPPING, ("bootstrapping", "SPS102"))

# --- environment (spawnsafe doctor) ------------------------------------------

# pdb (before Python 3.13) runs the script in a `__main__` without `__spec__`.
case("pdb_main_without_spec", {"main.py": """
    import multiprocessing

    def work():
        print("working")

    if __name__ == "__main__":
        p = multiprocessing.Process(target=work)
        p.start()
        p.join()
"""}, "spawn", "has no attribute '__spec__'", ("main-without-spec", "-"),
     run=["-m", "pdb", "main.py"], stdin=b"continue\nquit\n")

# --- platform ---------------------------------------------------------------

case("get_context_fork_windows", {"main.py": """
    import multiprocessing

    def work(x):
        return x

    if __name__ == "__main__":
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(2) as pool:
            print(pool.map(work, range(3)))
"""}, "windows", "cannot find context for 'fork'", ("no-fork-context", "SPS401"))

case("set_start_method_forkserver_windows", {"main.py": """
    import multiprocessing

    if __name__ == "__main__":
        multiprocessing.set_start_method("forkserver")
"""}, "windows", "cannot find context for 'forkserver'", ("no-fork-context", "SPS401"))

case("executor_mp_context_fork_windows", {"main.py": """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    def work(x):
        return x

    if __name__ == "__main__":
        with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as ex:
            print(list(ex.map(work, range(2))))
"""}, "windows", "cannot find context for 'fork'", ("no-fork-context", "SPS401"))

# --- other failures: not start-method problems --------------------------------

case("broken_pool_child_killed", {"main.py": """
    import os
    from concurrent.futures import ProcessPoolExecutor

    def crash(x):
        os._exit(3)

    if __name__ == "__main__":
        with ProcessPoolExecutor(2) as executor:
            print(executor.submit(crash, 1).result())
"""}, "spawn", "BrokenProcessPool", ("broken-process-pool", "-"),
     fork_fails="the worker kills itself under every start method")

case("unknown_worker_zero_division", {"main.py": """
    from multiprocessing import Pool

    def ratio(x):
        return 1 / x

    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.map(ratio, [1, 0]))
"""}, "spawn", "ZeroDivisionError", ("unknown", "-"),
     fork_fails="a bug in the worker, not a start-method problem")

case("unknown_key_error", {"main.py": """
    settings = {"workers": 2}

    def workers(config):
        return config["jobs"]

    print(workers(settings))
"""}, "spawn", "KeyError", ("unknown", "-"),
     fork_fails="a bug, not a start-method problem")

case("unknown_executor_value_error", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    def parse(text):
        return int(text)

    if __name__ == "__main__":
        with ProcessPoolExecutor(2) as executor:
            print(list(executor.map(parse, ["1", "two"])))
"""}, "spawn", "invalid literal for int()", ("unknown", "-"),
     fork_fails="a bug in the worker, not a start-method problem")


# --- running ----------------------------------------------------------------

# The bootstrap's own frames (`python -c BOOTSTRAP main.py` instead of
# `python main.py`); a spawn child's `File "<string>", line 1` is real and stays.
BOOTSTRAP_FRAME = re.compile(r'^  File "<string>", line (?!1,)\d+, in \S+\n', re.M)
HANG_LINES = 150


def normalise(text, workdir, case_name, hang):
    text = text.replace(os.path.realpath(workdir), f"{FAKE_HOME}/{case_name}")
    text = text.replace(workdir, f"{FAKE_HOME}/{case_name}")
    text = BOOTSTRAP_FRAME.sub("", text)
    text = re.sub(r"0x[0-9a-f]{6,16}", "0x7f0000000000", text)
    text = re.sub(r"'/mp-[a-z0-9_]+'", "'/mp-00000000'", text)
    if hang:
        # A pool that hangs prints the same tracebacks forever: keep the start.
        text = "".join(text.splitlines(True)[:HANG_LINES])
    return text


def run_case(case, python, write_program=True):
    program_dir = os.path.join(PROGRAMS, case.name)
    if write_program:
        shutil.rmtree(program_dir, ignore_errors=True)
        for path, text in case.files.items():
            target = os.path.join(program_dir, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
        if case.stdin is not None:
            # What the program reads on stdin, for the `spawnsafe run` tests.
            with open(os.path.join(program_dir, "stdin.txt"), "wb") as handle:
                handle.write(case.stdin)
    with open(BOOTSTRAP, encoding="utf-8") as handle:
        bootstrap = handle.read()
    with tempfile.TemporaryDirectory(prefix="spawnsafe-explain-") as tmp:
        workdir = os.path.join(tmp, case.name)
        shutil.copytree(program_dir, workdir)
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
        for name in ("PYTHONSTARTUP", "PYTHONPATH", "PYTHONWARNINGS"):
            env.pop(name, None)
        process = subprocess.Popen(
            [python, "-c", bootstrap, case.method, *case.run],
            cwd=workdir,
            stdin=subprocess.PIPE if case.stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        if case.stdin is not None:
            process.stdin.write(case.stdin)
            process.stdin.close()
        os.set_blocking(process.stderr.fileno(), False)
        chunks = []
        deadline = time.monotonic() + case.timeout
        seen_at = None
        while True:
            try:
                chunk = process.stderr.read()
            except BlockingIOError:
                chunk = None
            if chunk:
                chunks.append(chunk)
            done = process.poll() is not None
            text = b"".join(chunks).decode("utf-8", "replace")
            if case.hang and seen_at is None and text.count(case.must) >= 2:
                seen_at = time.monotonic()
            if done and not chunk:
                break
            if seen_at is not None and time.monotonic() > seen_at + 0.3:
                break
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        try:
            rest = process.stderr.read()
        except BlockingIOError:
            rest = None
        if rest:
            chunks.append(rest)
        stderr = b"".join(chunks).decode("utf-8", "replace")
        return normalise(stderr, workdir, case.name, case.hang)


def _diagnosed_as(case):
    """What `spawnsafe run` must name: the rule codes, else the signature of a
    known failure that no rule finds statically (`-`: nothing known)."""
    signatures, codes = case.expect
    if codes != "-":
        return codes
    first = signatures.split(",")[0]
    return "-" if first in ("unknown", "none") else first


def write_manifest():
    """programs/manifest.txt: how each program runs, so that `spawnsafe run`
    can be tested on the same programs (crates/spawnsafe/tests/run.rs)."""
    with open(os.path.join(PROGRAMS, "manifest.txt"), "w", encoding="utf-8") as handle:
        handle.write(
            "# Written by capture.py: case, start method, hangs (yes/no), reads stdin\n"
            "# (yes/no), expected codes, plain python3 (fork) runs it fine (ok) or\n"
            "# not (fails: why in capture.py), then the program and its arguments.\n"
        )
        for c in sorted(CASES, key=lambda c: c.name):
            handle.write(
                f"{c.name} {c.method} {'yes' if c.hang else 'no'} "
                f"{'yes' if c.stdin is not None else 'no'} {_diagnosed_as(c)} "
                f"{'fails' if c.fork_fails else 'ok'} {' '.join(c.run)}\n"
            )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--manifest-only", action="store_true", help="only rewrite programs/manifest.txt")
    parser.add_argument("--variant", help="write corpus/handwritten/VARIANT_<case>.txt only")
    parser.add_argument("cases", nargs="*")
    options = parser.parse_args()
    if options.variant:
        failed = 0
        for c in [c for c in CASES if c.name in options.cases]:
            stderr = run_case(c, options.python, write_program=False)
            ok = c.must in stderr
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {options.variant}_{c.name}", flush=True)
            path = os.path.join(CORPUS, "handwritten", f"{options.variant}_{c.name}.txt")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(stderr)
        sys.exit(1 if failed else 0)
    write_manifest()
    if options.manifest_only:
        return
    os.makedirs(CORPUS, exist_ok=True)
    chosen = [c for c in CASES if not options.cases or c.name in options.cases]
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)), "duplicate case names"
    failed = 0
    expected_path = os.path.join(CORPUS, "expected.txt")
    expected = {}
    if os.path.exists(expected_path):
        for line in open(expected_path, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                expected[line.split()[0]] = line.rstrip("\n")
    for c in chosen:
        stderr = run_case(c, options.python)
        ok = c.must in stderr
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {c.name} ({c.method}): {len(stderr.splitlines())} lines", flush=True)
        with open(os.path.join(CORPUS, c.name + ".txt"), "w", encoding="utf-8") as handle:
            handle.write(stderr)
        signatures, codes = c.expect
        expected[c.name + ".txt"] = f"{c.name}.txt signatures={signatures} codes={codes}"
    with open(expected_path, "w", encoding="utf-8") as handle:
        handle.write(
            "# Written by capture.py: the signatures `spawnsafe explain` must identify in each\n"
            "# captured traceback (comma separated, first the one it leads with) and the rule\n"
            "# code it names (`-`: none; `unknown`: not a start-method problem it knows).\n"
        )
        for name in sorted(expected):
            if name[:-4] in names:
                handle.write(expected[name] + "\n")
    print(f"{len(chosen) - failed} captured, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
