"""Captures more of the `spawnsafe explain` corpus from real CPython runs:
look-alikes that are NOT start-method problems (a `KeyError` in a worker,
`MemoryError`, `KeyboardInterrupt`, a `BrokenPipeError` from a closed
consumer, `ModuleNotFoundError`, ...) and failures beyond the first
catalogue (a fork-context lock given to a spawn process, a frozen app's
argument parser, a closed stdin, a global left `None` in workers).

It reuses capture.py's runner (same bootstrap, same normalisation) and writes
`programs/<case>/` and `corpus/extra/<case>.txt` plus `corpus/extra/expected.txt`.
These programs are not in `programs/manifest.txt`: the `spawnsafe run` tests
run only capture.py's cases.

Usage: python3 capture_extra.py [--python PYTHON] [CASE...]
"""

import argparse
import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capture  # noqa: E402
from capture import Case  # noqa: E402

EXTRA = os.path.join(capture.CORPUS, "extra")
CASES = []


def case(*args, **kwargs):
    CASES.append(Case(*args, **kwargs))


NOT = ("unknown", "-")

# --- look-alikes: failures in multiprocessing code that any start method shows

case("lookalike_pool_key_error", {"main.py": """
    from multiprocessing import Pool

    PRICES = {"apple": 1, "pear": 2}

    def price(name):
        return PRICES[name]

    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.map(price, ["apple", "plum"]))
"""}, "spawn", "KeyError: 'plum'", NOT)

case("lookalike_memory_error", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    def buffer(size):
        return len(bytearray(size))

    if __name__ == "__main__":
        with ProcessPoolExecutor(2) as executor:
            print(list(executor.map(buffer, [10, 1 << 62])))
"""}, "spawn", "MemoryError", NOT)

case("lookalike_keyboard_interrupt", {"main.py": """
    import os
    import signal
    import threading
    import time
    from multiprocessing import Pool

    def slow(x):
        time.sleep(30)
        return x

    def interrupt():
        time.sleep(2)
        os.killpg(os.getpgid(0), signal.SIGINT)

    if __name__ == "__main__":
        threading.Thread(target=interrupt, daemon=True).start()
        with Pool(2) as pool:
            print(pool.map(slow, range(4)))
"""}, "spawn", "KeyboardInterrupt", NOT, timeout=30)

case("lookalike_broken_pipe", {"main.py": """
    from multiprocessing import Pipe, Process

    def produce(connection):
        for number in range(100000):
            connection.send(number)

    if __name__ == "__main__":
        receiver, sender = Pipe()
        worker = Process(target=produce, args=(sender,))
        worker.start()
        receiver.recv()
        receiver.close()
        worker.join()
"""}, "spawn", "BrokenPipeError", NOT)

case("lookalike_module_not_found", {"main.py": """
    from multiprocessing import Pool

    def render(page):
        import markdown_renderer_plugin
        return markdown_renderer_plugin.render(page)

    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.map(render, ["a", "b"]))
"""}, "spawn", "ModuleNotFoundError", NOT)

case("lookalike_none_local", {"main.py": """
    from multiprocessing import Pool

    def first_tag(record):
        tags = record.get("tags")
        return tags[0]

    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.map(first_tag, [{"tags": ["a"]}, {"name": "b"}]))
"""}, "spawn", "'NoneType' object is not subscriptable", NOT)

case("lookalike_file_not_found", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    def size(path):
        with open(path, "rb") as handle:
            return len(handle.read())

    if __name__ == "__main__":
        with ProcessPoolExecutor(2) as executor:
            print(list(executor.map(size, ["main.py", "missing.csv"])))
"""}, "spawn", "FileNotFoundError", NOT)

case("lookalike_process_value_error", {"main.py": """
    from multiprocessing import Process

    def check(limit):
        if limit < 0:
            raise ValueError(f"limit must be positive, got {limit}")

    if __name__ == "__main__":
        worker = Process(target=check, args=(-1,))
        worker.start()
        worker.join()
"""}, "spawn", "ValueError: limit must be positive", NOT)

case("lookalike_attribute_error", {"main.py": """
    from multiprocessing import Pool

    def normalise(word):
        return word.lower()

    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.map(normalise, ["A", 2]))
"""}, "spawn", "'int' object has no attribute 'lower'", NOT)

case("lookalike_pickle_outside_multiprocessing", {"main.py": """
    import pickle

    def save(callback, path):
        with open(path, "wb") as handle:
            pickle.dump(callback, handle)

    save(lambda: 1, "callback.pickle")
"""}, "spawn", "PicklingError", NOT)

case("lookalike_timeout", {"main.py": """
    import time
    from concurrent.futures import ProcessPoolExecutor

    def slow(x):
        time.sleep(5)
        return x

    if __name__ == "__main__":
        with ProcessPoolExecutor(1) as executor:
            print(executor.submit(slow, 1).result(timeout=0.5))
"""}, "spawn", "TimeoutError", NOT, timeout=30)

case("lookalike_recursion", {"main.py": """
    from multiprocessing import Pool

    def depth(n):
        return 1 + depth(n + 1)

    if __name__ == "__main__":
        with Pool(1) as pool:
            print(pool.apply(depth, (0,)))
"""}, "spawn", "RecursionError", NOT)

# --- beyond the first catalogue -----------------------------------------------

case("semlock_fork_lock_spawn_process", {"main.py": """
    import multiprocessing

    def work(lock):
        with lock:
            print("working")

    if __name__ == "__main__":
        lock = multiprocessing.get_context("fork").Lock()
        spawn = multiprocessing.get_context("spawn")
        worker = spawn.Process(target=work, args=(lock,))
        worker.start()
        worker.join()
"""}, "fork", "A SemLock created in a fork context", ("semlock-context-mix", "SPS401"))

case("stdin_saved_closed_in_worker", {"main.py": """
    import sys
    from multiprocessing import Process

    COMMANDS = sys.stdin

    def listen():
        print(COMMANDS.readline())

    if __name__ == "__main__":
        worker = Process(target=listen)
        worker.start()
        worker.join()
"""}, "spawn", "I/O operation on closed file", ("stdin-in-child", "SPS305"), stdin=b"go\n")

case("frozen_app_argparse", {"main.py": """
    import argparse
    import multiprocessing
    import os
    import sys

    # What a frozen executable looks like to multiprocessing: `sys.frozen`
    # set and the executable being the program itself (here a tiny launcher).
    APP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "app")
    sys.frozen = True
    os.environ.setdefault("APP_PYTHON", sys.executable)

    def convert(path):
        print("converting", path)

    if __name__ == "__main__":
        parser = argparse.ArgumentParser(prog="app")
        parser.add_argument("path")
        args = parser.parse_args()
        os.chmod(APP, 0o755)
        multiprocessing.set_executable(APP)
        worker = multiprocessing.Process(target=convert, args=(args.path,))
        worker.start()
        worker.join()
""", "app": """
    #!/bin/sh
    exec "$APP_PYTHON" "$(dirname "$0")/main.py" "$@"
"""}, "spawn", "unrecognized arguments: --multiprocessing-fork", ("frozen-respawn", "SPS403"),
     run=["main.py", "photo.png"])

case("global_none_filled_in_guard", {"main.py": """
    from multiprocessing import Pool

    SETTINGS = None

    def scaled(x):
        return x * SETTINGS["scale"]

    if __name__ == "__main__":
        SETTINGS = {"scale": 10}
        with Pool(2) as pool:
            print(pool.map(scaled, [1, 2]))
"""}, "spawn", "'NoneType' object is not subscriptable", ("global-empty-in-child", "SPS301"))

case("process_args_mmap", {"main.py": """
    import mmap
    from multiprocessing import Process

    def count(buffer):
        print(buffer[:4])

    if __name__ == "__main__":
        buffer = mmap.mmap(-1, 4096)
        worker = Process(target=count, args=(buffer,))
        worker.start()
        worker.join()
"""}, "spawn", "cannot pickle 'mmap.mmap' object", ("unpicklable-object", "SPS202"))

case("decorated_without_wraps", {"main.py": """
    from multiprocessing import Pool

    def logged(function):
        def wrapper(*args):
            return function(*args)
        return wrapper

    @logged
    def square(x):
        return x * x

    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.map(square, [1, 2]))
"""}, "spawn", "Can't pickle", ("unpicklable-callable", "SPS201"))

case("queue_put_lambda_feeder", {"main.py": """
    import queue
    from multiprocessing import Queue

    if __name__ == "__main__":
        jobs = Queue()
        jobs.put(lambda: 1)
        try:
            print(jobs.get(timeout=2))
        except queue.Empty:
            print("nothing arrived")
"""}, "spawn", "_feed", ("unpicklable-callable", "SPS201"))

# --- the forkserver variants of catalogue cases (Linux's default on 3.14) ----

for name in ("set_start_method_at_import", "worker_defined_in_guard_process", "process_target_lambda",
             "process_args_threading_lock", "stdin_in_worker", "toplevel_input_rerun",
             "global_assigned_in_main_process"):
    original = next(c for c in capture.CASES if c.name == name)
    variant = copy.copy(original)
    variant.name = "forkserver_" + name
    variant.method = "forkserver"
    variant.hang = False
    CASES.append(variant)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--variant", help="write corpus/extra/VARIANT_<case>.txt with another Python")
    parser.add_argument("cases", nargs="*")
    options = parser.parse_args()
    if options.variant:
        failed = 0
        for c in [c for c in CASES if c.name in options.cases]:
            stderr = capture.run_case(c, options.python, write_program=False)
            ok = c.must in stderr
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {options.variant}_{c.name}", flush=True)
            with open(os.path.join(EXTRA, f"{options.variant}_{c.name}.txt"), "w", encoding="utf-8") as handle:
                handle.write(stderr)
        sys.exit(1 if failed else 0)
    os.makedirs(EXTRA, exist_ok=True)
    expected_path = os.path.join(EXTRA, "expected.txt")
    expected = {}
    if os.path.exists(expected_path):
        for line in open(expected_path, encoding="utf-8"):
            if line.strip() and not line.startswith("#"):
                expected[line.split()[0]] = line.rstrip("\n")
    failed = 0
    for c in CASES:
        if options.cases and c.name not in options.cases:
            continue
        stderr = capture.run_case(c, options.python)
        ok = c.must in stderr
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {c.name} ({c.method}): {len(stderr.splitlines())} lines", flush=True)
        with open(os.path.join(EXTRA, c.name + ".txt"), "w", encoding="utf-8") as handle:
            handle.write(stderr)
        signatures, codes = c.expect
        expected[c.name + ".txt"] = f"{c.name}.txt signatures={signatures} codes={codes}"
    names = {c.name for c in CASES}
    with open(expected_path, "w", encoding="utf-8") as handle:
        handle.write("# Written by capture_extra.py: as corpus/expected.txt.\n")
        handle.write("# pyXY_<case>: the same case run by CPython X.Y (`capture_extra.py --python ... --variant pyXY CASE`).\n")
        for name in sorted(expected):
            stem = name[:-4]
            if stem in names or (stem.startswith("py") and stem.split("_", 1)[-1] in names):
                handle.write(expected[name] + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
