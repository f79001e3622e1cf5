"""Writes `corpus/unseen/`: 40 pastes shaped like the ones users post in public
issues, made from real CPython runs of small programs of our own.

Each case below is modelled on a kind of report found in public issue threads
(what failed, on which Python and start method, and how the user pasted it:
only the tail that fit the screen, inside pytest output, behind log prefixes,
with Windows or macOS paths, from Jupyter, in a rich panel, quoted in a chat).
The program is ours; the script runs it with the Python and start method of the
report (the repo's `python/spawnsafe/_bootstrap.py`, as `capture.py` does),
takes what CPython printed on stderr, renames the temporary directory and the
interpreter's library to the user's paths, and then cuts and decorates it the
way the report's paste was. Third-party libraries (PyTorch's DataLoader and
CUDA, `torch.multiprocessing.spawn`) are small stand-ins under a fake
`site-packages/torch/` that raise what the real ones raise.

About a quarter are look-alikes that are not start-method problems. Their
expected diagnoses are asserted in `corpus/unseen/expected.txt`, written here
from what the program really does, not from what `spawnsafe explain` answers.

Usage: python3 unseen.py [CASE...]   (needs /root/.pyenv/versions/3.8-3.13)
"""

import glob
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
OUT = os.path.join(HERE, "corpus", "unseen")
# The bootstrap's own frames (`<string>` at a line other than 1; line 1 is a
# spawn child's `-c` command) with their source and caret lines.
BOOTSTRAP_FRAME = re.compile(r'  File "<string>", line (?!1,)\d+, in \S+\n(?:    .*\n)*')


def python(version):
    return glob.glob(f"/root/.pyenv/versions/{version}.*/bin/python3")[0]


CASES = []


def case(name, version, method, files, expect, decorate=None, user=("linux", "alex"), run=None,
         timeout=15.0, sigint_after=None, pipe_to_head=False, stdin=None):
    CASES.append(dict(name=name, version=version, method=method,
                      files={k: textwrap.dedent(v).lstrip("\n") for k, v in files.items()},
                      expect=expect, decorate=decorate or [], user=user, run=run or ["main.py"],
                      timeout=timeout, sigint_after=sigint_after, pipe_to_head=pipe_to_head,
                      stdin=stdin))


# --- decorations: what users do to a traceback before it reaches an issue -----

def tail(n):
    return lambda text: "".join(text.splitlines(True)[-n:])


def head(n):
    return lambda text: "".join(text.splitlines(True)[:n])


def drop_until(marker, keep_from_match=True):
    def cut(text):
        at = text.find(marker)
        return text[at:] if at >= 0 else text
    return cut


def prefix(fmt):
    """Log prefixes (`fmt` with `{n}` for a running second)."""
    def add(text):
        return "".join(fmt.format(n=10 + i % 50) + line for i, line in enumerate(text.splitlines(True)))
    return add


def quote(text):
    return "".join("> " + line if line.strip() else ">\n" for line in text.splitlines(True))


def fenced(text):
    return "Here is the error:\n```\n" + text.rstrip("\n") + "\n```\nany idea?\n"


def pytest_wrap(test):
    def wrap(text):
        lines = text.rstrip("\n").splitlines()
        out = [f"____________________________ {test} ____________________________", ""]
        last = len(lines) - 1
        for i, line in enumerate(lines):
            out.append(("E   " + line) if i == last or line.startswith("E") and ":" in line[:30] else line)
        out.append("")
        out.append(f"FAILED tests/test_jobs.py::{test} - {lines[-1][:60]}")
        return "\n".join(out) + "\n"
    return wrap


def ansi(text):
    out = []
    for line in text.splitlines(True):
        if line.startswith("  File "):
            out.append("\x1b[35m" + line.rstrip("\n") + "\x1b[0m\n")
        elif re.match(r"^[A-Za-z_.]+(Error|Exception)\b", line):
            out.append("\x1b[1;31m" + line.rstrip("\n") + "\x1b[0m\n")
        else:
            out.append(line)
    return "".join(out)


def wrap80(text):
    out = []
    for line in text.splitlines():
        while len(line) > 80:
            out.append(line[:80])
            line = line[80:]
        out.append(line)
    return "\n".join(out) + "\n"


FRAME = re.compile(r'^  File "(.*)", line (\d+), in (.*)$')


def jupyter(text):
    """IPython 8's layout of the (last) traceback of the text."""
    lines = text.rstrip("\n").splitlines()
    out = ["---------------------------------------------------------------------------"]
    exc = lines[-1]
    exc_type = exc.split(":")[0]
    out.append(f"{exc_type:<42}Traceback (most recent call last)")
    i = 0
    while i < len(lines):
        m = FRAME.match(lines[i])
        if m:
            path, line, func = m.groups()
            src = lines[i + 1].strip() if i + 1 < len(lines) and lines[i + 1].startswith("    ") else ""
            if path.endswith("main.py") and func == "<module>":
                out.append(f"Cell In[4], line {line}")
            else:
                out.append(f"File {path}:{line}, in {func}")
            if src:
                out.append(f"---> {line} {src}")
            out.append("")
        i += 1
    out.append(exc)
    return "\n".join(out) + "\n"


def rich_panel(text):
    lines = text.rstrip("\n").splitlines()
    width = 98
    out = ["╭" + "─" * 30 + " Traceback (most recent call last) " + "─" * 31 + "╮"]
    i = 0
    while i < len(lines):
        m = FRAME.match(lines[i])
        if m:
            path, line, func = m.groups()
            for chunk in [f"{path}:{line} in {func}", ""]:
                while len(chunk) > width - 2:
                    out.append("│ " + chunk[: width - 2] + " │")
                    chunk = chunk[width - 2:]
                out.append("│ " + chunk.ljust(width - 2) + " │")
            if i + 1 < len(lines) and lines[i + 1].startswith("    "):
                out.append("│ " + ("❱ " + line + " " + lines[i + 1].strip()).ljust(width - 2) + " │")
                out.append("│ " + "".ljust(width - 2) + " │")
        i += 1
    out.append("╰" + "─" * width + "╯")
    out.append(lines[-1])
    return "\n".join(out) + "\n"


def cut_mid_word(n):
    return lambda text: text.rstrip("\n")[: len(text.rstrip("\n")) - n] + "\n"


# --- the cases --------------------------------------------------------------

case("win_pool_unguarded_tail", "3.10", "windows", {"main.py": """
    import multiprocessing
    from functools import reduce

    def count_words(path):
        return len(path.split("_"))

    files = ["a_b", "c_d_e", "f"]
    pool = multiprocessing.Pool(4)
    counts = pool.map(count_words, files)
    print(reduce(lambda a, b: a + b, counts))
"""}, ("bootstrapping", "SPS101"), [head(60), tail(22)], user=("windows", "Sam"), timeout=6.0)

case("mac_executor_unguarded_full", "3.12", "spawn", {"main.py": """
    import concurrent.futures as cf
    import math

    def is_prime(n):
        return n > 1 and all(n % d for d in range(2, int(math.sqrt(n)) + 1))

    with cf.ProcessPoolExecutor() as ex:
        for n, p in zip(range(10), ex.map(is_prime, range(10))):
            print(n, p)
"""}, ("bootstrapping,broken-process-pool", "SPS101"), [], user=("mac", "jph"))

case("torch_dataloader_unguarded_mac", "3.9", "windows", {
    "site-packages/torch/__init__.py": "",
    "site-packages/torch/utils/__init__.py": "",
    "site-packages/torch/utils/data/__init__.py": "from .dataloader import DataLoader\n",
    "site-packages/torch/utils/data/dataloader.py": """
        import multiprocessing as mp

        def _worker_loop(dataset, index_queue, data_queue):
            for i in iter(index_queue.get, None):
                data_queue.put(dataset[i])

        class DataLoader:
            def __init__(self, dataset, batch_size=1, num_workers=0):
                self.dataset = dataset
                self.num_workers = num_workers

            def __iter__(self):
                return self._get_iterator()

            def _get_iterator(self):
                return _MultiProcessingDataLoaderIter(self)

        class _MultiProcessingDataLoaderIter:
            def __init__(self, loader):
                self._index_queue = mp.Queue()
                self._data_queue = mp.Queue()
                self._workers = []
                for _ in range(loader.num_workers):
                    w = mp.Process(target=_worker_loop, args=(loader.dataset, self._index_queue, self._data_queue))
                    w.daemon = True
                    w.start()
                    self._workers.append(w)
                for i in range(len(loader.dataset)):
                    self._index_queue.put(i)
                self._left = len(loader.dataset)

            def __iter__(self):
                return self

            def __next__(self):
                if not self._left:
                    raise StopIteration
                self._left -= 1
                return self._data_queue.get(timeout=5)
    """,
    "main.py": """
        import sys, os
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "site-packages"))
        from torch.utils.data import DataLoader

        train_set = [x * 0.5 for x in range(16)]
        train_loader = DataLoader(train_set, batch_size=4, num_workers=2)

        for epoch in range(2):
            for batch in train_loader:
                pass
            print("epoch", epoch)
    """}, ("bootstrapping", "SPS101"), [head(48), drop_until("Traceback")], user=("mac", "viktor"), timeout=8.0)

case("py38_pool_lambda_pytest", "3.8", "spawn", {"main.py": """
    import multiprocessing as mp

    def run_all(values, scale):
        with mp.Pool(2) as pool:
            return pool.map(lambda v: v * scale, values)

    def test_scaled():
        assert run_all([1, 2, 3], 2) == [2, 4, 6]

    if __name__ == "__main__":
        test_scaled()
"""}, ("unpicklable-callable", "SPS201"), [drop_until("Traceback"), pytest_wrap("test_scaled")])

case("py313_executor_local_fn_chat", "3.13", "spawn", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    def main():
        def fetch(url):
            return len(url)

        with ProcessPoolExecutor(2) as ex:
            futures = [ex.submit(fetch, u) for u in ["a", "bb"]]
            print([f.result() for f in futures])

    if __name__ == "__main__":
        main()
"""}, ("unpicklable-callable", "SPS201"), [tail(12), quote], user=("linux", "maria"))

case("win_worker_in_guard_lastlines", "3.9", "windows", {"main.py": """
    from multiprocessing import Pool

    if __name__ == "__main__":
        def solve_frame(i):
            return i * i

        with Pool(2) as p:
            print(p.map(solve_frame, range(4)))
"""}, ("missing-in-mp-main", "SPS105"), [tail(3)], user=("windows", "scparker"), timeout=6.0)

case("process_target_lambda_rich", "3.11", "spawn", {"main.py": """
    import multiprocessing as mp

    class Solver:
        def start(self):
            self.proc = mp.Process(target=lambda: print("solving"), daemon=True)
            self.proc.start()

    if __name__ == "__main__":
        Solver().start()
"""}, ("unpicklable-callable", "SPS201"), [rich_panel], user=("mac", "smyja"))

case("forkserver_thread_lock_logged", "3.12", "forkserver", {"main.py": """
    import logging
    import multiprocessing as mp
    import threading

    class Server:
        def __init__(self):
            self.lock = threading.Lock()
            self.port = 8080

        def serve(self):
            print("serving on", self.port)

    if __name__ == "__main__":
        s = Server()
        p = mp.Process(target=s.serve)
        p.start()
        p.join()
"""}, ("unpicklable-object", "SPS202"),
    [prefix("2026-03-02 14:13:{n:02d},393 - esbonio.lsp - ERROR    - ")], user=("linux", "ci"))

case("pool_queue_arg_partial", "3.10", "fork", {"main.py": """
    import multiprocessing as mp

    def produce(q, i):
        q.put(i * 2)

    if __name__ == "__main__":
        q = mp.Queue()
        with mp.Pool(2) as pool:
            results = [pool.apply_async(produce, (q, i)) for i in range(3)]
            for r in results:
                r.get()
"""}, ("shared-through-inheritance", "SPS202"), [tail(9)])

case("py38_set_start_method_child_mid", "3.8", "spawn", {"main.py": """
    import multiprocessing as mp

    mp.set_start_method("spawn")

    def train(rank):
        print("rank", rank)

    if __name__ == "__main__":
        procs = [mp.Process(target=train, args=(r,)) for r in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
"""}, ("context-already-set", "SPS104"), [drop_until("Traceback"), lambda t: "".join(t.splitlines(True)[6:22])],
    user=("mac", "psydev"))

case("py313_set_start_method_twice_ts", "3.13", "fork", {
    "helpers.py": """
        import multiprocessing
        multiprocessing.set_start_method("forkserver")
    """,
    "main.py": """
        import multiprocessing
        import helpers

        def main():
            multiprocessing.set_start_method("spawn")
            print("started")

        if __name__ == "__main__":
            main()
    """}, ("context-already-set", "SPS104"), [prefix("2025-09-06T10:21:{n:02d}.114Z ")], user=("linux", "runner"))

case("daemonic_log_line_only", "3.11", "fork", {"main.py": """
    import logging
    import multiprocessing as mp

    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("tkp.main")

    def inner(x):
        return x + 1

    def timestep(x):
        with mp.Pool(2) as p:
            return sum(p.map(inner, range(x)))

    def run(x):
        try:
            return timestep(x)
        except Exception as e:
            log.error("timestep raised %s exception: %s", type(e), e)
            raise

    if __name__ == "__main__":
        with mp.Pool(2) as outer:
            outer.map(run, [3])
"""}, ("daemonic-children", "SPS306"), [lambda t: t.splitlines(True)[0]])

case("semlock_fork_in_spawn", "3.12", "fork", {"main.py": """
    import multiprocessing as mp

    def sub_task(lock):
        with lock:
            pass

    def main():
        lock = mp.Lock()
        ctx = mp.get_context("spawn")
        p = ctx.Process(target=sub_task, args=(lock,))
        p.start()
        p.join()

    if __name__ == "__main__":
        main()
"""}, ("semlock-context-mix", "-"), [fenced], user=("linux", "ben"))

case("global_in_guard_nameerror_pool", "3.10", "spawn", {"main.py": """
    from multiprocessing import Pool

    def lookup(key):
        return CONFIG[key]

    if __name__ == "__main__":
        CONFIG = {"a": 1, "b": 2}
        with Pool(2) as pool:
            print(pool.map(lookup, ["a", "b"]))
"""}, ("global-missing-in-child", "SPS301"), [ansi], user=("mac", "kim"))

case("global_none_filled_in_main", "3.13", "spawn", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    MODEL = None

    def predict(x):
        return MODEL["w"] * x

    def main():
        global MODEL
        MODEL = {"w": 3}
        with ProcessPoolExecutor(2) as ex:
            print(list(ex.map(predict, [1, 2])))

    if __name__ == "__main__":
        main()
"""}, ("global-empty-in-child", "SPS301"), [drop_until("concurrent.futures.process._RemoteTraceback")])

case("py39_input_toplevel_rerun", "3.9", "spawn", {"main.py": """
    import multiprocessing as mp

    name = input("project name: ")

    def build(part):
        return f"{name}-{part}"

    if __name__ == "__main__":
        with mp.Pool(2) as p:
            print(p.map(build, ["a", "b"]))
"""}, ("stdin-in-child", "SPS302"), [head(40)], timeout=5.0, stdin=b"demo\n")

case("forkserver_input_in_worker", "3.12", "forkserver", {"main.py": """
    import multiprocessing as mp

    def ask():
        answer = input("continue? [y/N] ")
        print("got", answer)

    if __name__ == "__main__":
        p = mp.Process(target=ask)
        p.start()
        p.join()
"""}, ("stdin-in-child", "SPS305"), [wrap80])

case("py310_forkserver_nested_target", "3.10", "forkserver", {"main.py": """
    import multiprocessing as mp

    def main():
        def work(n):
            print(n)
        ps = [mp.Process(target=work, args=(i,)) for i in range(2)]
        for p in ps:
            p.start()
        for p in ps:
            p.join()

    if __name__ == "__main__":
        main()
"""}, ("unpicklable-callable", "SPS201"), [tail(7)])

case("py313_open_file_jupyter", "3.13", "spawn", {"main.py": """
    import multiprocessing as mp

    def writer(fh, text):
        fh.write(text)

    if __name__ == "__main__":
        log = open("out.txt", "w")
        p = mp.Process(target=writer, args=(log, "hello"))
        p.start()
        p.join()
"""}, ("unpicklable-object", "SPS202"), [jupyter], user=("mac", "lena"))

case("py38_generator_arg", "3.8", "spawn", {"main.py": """
    import multiprocessing as mp

    def consume(rows):
        for r in rows:
            print(r)

    if __name__ == "__main__":
        rows = (i * i for i in range(5))
        p = mp.Process(target=consume, args=(rows,))
        p.start()
        p.join()
"""}, ("unpicklable-object", "SPS202"), [cut_mid_word(9)])

case("py312_forkserver_manager_unguarded", "3.12", "forkserver", {"main.py": """
    from multiprocessing import Manager, Process

    manager = Manager()
    results = manager.dict()

    def job(k):
        results[k] = k * k

    if __name__ == "__main__":
        ps = [Process(target=job, args=(k,)) for k in range(2)]
        [p.start() for p in ps]
        [p.join() for p in ps]
        print(dict(results))
"""}, ("bootstrapping", "SPS101"), [head(45)], timeout=6.0)

case("py313_forkserver_pool_unguarded_tail", "3.13", "forkserver", {"main.py": """
    from multiprocessing import Pool

    def f(x):
        return x + 1

    pool = Pool(2)
    print(pool.map(f, range(4)))
"""}, ("bootstrapping", "SPS101"), [head(70), tail(18)], timeout=6.0)

TORCH_CUDA = {
    "site-packages/torch/__init__.py": "from . import cuda\n",
    "site-packages/torch/cuda/__init__.py": """
        import os
        _initialized = False
        _in_bad_fork = False
        _pid = None

        def _lazy_init():
            global _initialized, _pid
            if _initialized and _pid == os.getpid():
                return
            if _pid is not None and _pid != os.getpid():
                raise RuntimeError(
                    "Cannot re-initialize CUDA in forked subprocess. To use CUDA with "
                    "multiprocessing, you must use the 'spawn' start method")
            _initialized = True
            _pid = os.getpid()

        def current_device():
            _lazy_init()
            return 0
    """,
}

case("cuda_fork_pool", "3.10", "fork", dict(TORCH_CUDA, **{"main.py": """
    import os, sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "site-packages"))
    import multiprocessing as mp
    import torch

    def embed(text):
        torch.cuda.current_device()
        return len(text)

    if __name__ == "__main__":
        torch.cuda.current_device()
        with mp.Pool(2) as pool:
            print(pool.map(embed, ["a", "bb"]))
"""}), ("cuda-or-threads-then-fork", "SPS404"), [tail(10)], user=("linux", "evan"))

case("torch_mp_spawn_wrapped", "3.11", "spawn", {
    "site-packages/torch/__init__.py": "",
    "site-packages/torch/multiprocessing/__init__.py": "from .spawn import spawn, ProcessRaisedException\n",
    "site-packages/torch/multiprocessing/spawn.py": """
        import multiprocessing
        import traceback

        class ProcessRaisedException(Exception):
            def __init__(self, msg, error_index, error_pid):
                super().__init__(msg)

        def _wrap(fn, i, args, error_queue):
            try:
                fn(i, *args)
            except Exception:
                error_queue.put(traceback.format_exc())
                raise SystemExit(1)

        class ProcessContext:
            def __init__(self, processes, error_queues):
                self.processes = processes
                self.error_queues = error_queues

            def join(self):
                for i, p in enumerate(self.processes):
                    p.join()
                    if p.exitcode != 0:
                        original_trace = self.error_queues[i].get()
                        msg = "\\n\\n-- Process %d terminated with the following error:\\n" % i
                        msg += original_trace
                        raise ProcessRaisedException(msg, i, p.pid)

        def spawn(fn, args=(), nprocs=1, join=True):
            ctx = multiprocessing.get_context("spawn")
            error_queues, processes = [], []
            for i in range(nprocs):
                q = ctx.SimpleQueue()
                p = ctx.Process(target=_wrap, args=(fn, i, args, q), daemon=False)
                p.start()
                error_queues.append(q)
                processes.append(p)
            context = ProcessContext(processes, error_queues)
            if join:
                context.join()
            return context
    """,
    "train.py": """
        import os, sys
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "site-packages"))
        import torch.multiprocessing as tmp

        world = None

        def worker(rank):
            print("rank", rank, "of", world["size"])

        if __name__ == "__main__":
            world = {"size": 2}
            tmp.spawn(worker, nprocs=2)
    """}, ("global-empty-in-child", "SPS301"), [prefix("[rank0]: ")], run=["train.py"], user=("linux", "dd"))

case("frozen_argparse_respawn", "3.11", "spawn", {"app.py": """
    import argparse
    import multiprocessing as mp

    def work(x):
        return x

    if __name__ == "__main__":
        parser = argparse.ArgumentParser(prog="MyTool.exe")
        parser.add_argument("--input", required=False)
        args = parser.parse_args()
        with mp.Pool(2) as p:
            print(p.map(work, [1]))
"""}, ("frozen-respawn", "SPS403"), [], run=["app.py", "--multiprocessing-fork", "parent_pid=4312", "pipe_handle=1020"],
    user=("windows", "ops"))

case("py313_executor_worker_in_guard_pytest", "3.13", "spawn", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    if __name__ == "__main__":
        def render(page):
            return page * 2

        with ProcessPoolExecutor(2) as ex:
            print(list(ex.map(render, [1, 2])))
"""}, ("missing-in-mp-main,broken-process-pool", "SPS105"), [pytest_wrap("test_render_pages")])

case("py310_decorator_without_wraps", "3.10", "fork", {"main.py": """
    import multiprocessing as mp
    import time

    def timed(fn):
        def inner(*a):
            t = time.time()
            r = fn(*a)
            print(fn.__name__, time.time() - t)
            return r
        return inner

    @timed
    def work(x):
        return x * 2

    if __name__ == "__main__":
        with mp.Pool(2) as p:
            print(p.map(work, range(3)))
"""}, ("unpicklable-callable", "SPS201"), [tail(6)])

case("py312_package_main_worker", "3.12", "spawn", {
    "jobs/__init__.py": "",
    "jobs/__main__.py": """
        from multiprocessing import Pool

        def work(x):
            return x * 3

        if __name__ == "__main__":
            with Pool(2) as p:
                print(p.map(work, [1, 2]))
    """}, ("missing-in-builtin-main", "SPS204"), [head(24)], run=["-m", "jobs"], timeout=5.0)

case("forkserver_mmap_tail", "3.11", "forkserver", {"main.py": """
    import mmap
    import multiprocessing as mp

    def reader(buf):
        print(buf[:4])

    if __name__ == "__main__":
        buf = mmap.mmap(-1, 4096)
        buf.write(b"data")
        p = mp.Process(target=reader, args=(buf,))
        p.start()
        p.join()
"""}, ("unpicklable-object", "SPS202"), [lambda t: t[-700:]])

case("mac_process_subclass_lock", "3.9", "windows", {"main.py": """
    import multiprocessing
    import threading

    class Worker(multiprocessing.Process):
        def __init__(self, jobs):
            super().__init__()
            self.jobs = jobs
            self._guard = threading.RLock()

        def run(self):
            with self._guard:
                print(len(self.jobs))

    if __name__ == "__main__":
        w = Worker([1, 2, 3])
        w.start()
        w.join()
"""}, ("unpicklable-object", "SPS203"), [drop_until("Traceback"), head(30)], user=("mac", "ahk"))

# --- look-alikes ------------------------------------------------------------

case("lookalike_pool_keyerror_pytest", "3.11", "fork", {"main.py": """
    from multiprocessing import Pool

    PRICES = {"apple": 1, "pear": 2}

    def price(item):
        return PRICES[item]

    if __name__ == "__main__":
        with Pool(2) as p:
            print(p.map(price, ["apple", "plum"]))
"""}, ("unknown", "-"), [pytest_wrap("test_prices")])

case("lookalike_executor_zerodivision_chat", "3.12", "spawn", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    def ratio(pair):
        a, b = pair
        return a / b

    if __name__ == "__main__":
        with ProcessPoolExecutor(2) as ex:
            print(list(ex.map(ratio, [(1, 2), (3, 0)])))
"""}, ("unknown", "-"), [quote])

case("lookalike_pickle_cache_eof_win", "3.10", "spawn", {"main.py": """
    import pickle

    open("cache.pkl", "wb").close()
    with open("cache.pkl", "rb") as fh:
        tasks = pickle.load(fh)
"""}, ("unknown", "-"), [], user=("windows", "h9052"))

case("lookalike_module_not_found_logged", "3.9", "spawn", {"main.py": """
    import logging
    logging.basicConfig(level=logging.INFO)
    import torchvision_missing_pkg
"""}, ("unknown", "-"), [prefix("2024-04-23 10:02:{n:02d} | ")])

case("lookalike_keyboard_interrupt_pool", "3.11", "fork", {"main.py": """
    import time
    from multiprocessing import Pool

    def slow(x):
        time.sleep(30)
        return x

    if __name__ == "__main__":
        with Pool(2) as p:
            p.map(slow, range(4))
"""}, ("none-or-unknown", "-"), [], sigint_after=1.5)

case("lookalike_broken_pipe_head", "3.12", "spawn", {"main.py": """
    for i in range(100000):
        print("row", i)
"""}, ("unknown", "-"), [], pipe_to_head=True)

case("lookalike_memory_error_worker", "3.10", "fork", {"main.py": """
    from multiprocessing import Pool

    def allocate(n):
        return bytearray(n)

    if __name__ == "__main__":
        with Pool(1) as p:
            p.map(allocate, [1 << 62])
"""}, ("unknown", "-"), [tail(8)])

case("lookalike_none_subscript_main", "3.13", "spawn", {"main.py": """
    import re

    def parse(line):
        m = re.match(r"(\\w+)=(\\d+)", line)
        return m.group(1), int(m[2])

    print(parse("a=1"))
    print(parse("broken line"))
"""}, ("unknown", "-"), [ansi])

case("lookalike_future_timeout", "3.11", "spawn", {"main.py": """
    import time
    from concurrent.futures import ProcessPoolExecutor

    def slow(x):
        time.sleep(3)
        return x

    if __name__ == "__main__":
        with ProcessPoolExecutor(1) as ex:
            fut = ex.submit(slow, 1)
            fut.result(timeout=0.2)
"""}, ("unknown", "-"), [tail(9)])

case("lookalike_worker_attr_none_spawn", "3.12", "spawn", {"main.py": """
    import re
    from multiprocessing import Pool

    def version_of(name):
        return re.search(r"-(\\d+)\\.tar", name).group(1)

    if __name__ == "__main__":
        with Pool(2) as p:
            print(p.map(version_of, ["pkg-1.tar", "pkg.zip"]))
"""}, ("unknown", "-"), [fenced])


# --- running and writing ------------------------------------------------------

def user_paths(text, workdir, c):
    version = c["version"]
    lib = os.path.dirname(os.path.dirname(python(version)))
    libdir = os.path.join(lib, "lib", f"python{version}")
    platform, user = c["user"]
    if platform == "windows":
        proj = f"C:\\Users\\{user}\\project"
        pylib = f"C:\\Users\\{user}\\AppData\\Local\\Programs\\Python\\Python{version.replace('.', '')}\\lib"
    elif platform == "mac":
        proj = f"/Users/{user}/dev/project"
        pylib = f"/opt/homebrew/Cellar/python@{version}/{version}.4/Frameworks/Python.framework/Versions/{version}/lib/python{version}"
    else:
        proj = f"/home/{user}/project"
        pylib = f"/usr/lib/python{version}"
    for real in {os.path.realpath(workdir), workdir}:
        text = text.replace(real + "/site-packages", pylib.rsplit("lib", 1)[0] + "lib" + (
            "\\site-packages" if platform == "windows" else f"/python{version}/site-packages"
            if platform != "linux" else f"/python{version}/site-packages"))
        text = text.replace(real, proj)
    text = text.replace(libdir, pylib)
    text = BOOTSTRAP_FRAME.sub("", text)
    # The bootstrap compiles the script under the name it was given; `python
    # main.py` shows the absolute path (3.9+).
    for script in ("main.py", "train.py", "app.py"):
        text = text.replace(f'File "{script}"', f'File "{proj}/{script}"')
    text = re.sub(r"0x[0-9a-f]{6,16}", "0x7f3a1c2b5e50", text)
    text = re.sub(r"pid\(s\) [\d, ]+|pid=\d+", lambda m: m.group(0), text)
    if platform == "windows":
        def winpath(m):
            return m.group(0).replace("/", "\\")
        text = re.sub(r'File "[^"]*"', winpath, text)
        # A module's repr shows its path with doubled backslashes.
        text = re.sub(r"from '[^']*'",
                      lambda m: m.group(0).replace("\\", "/").replace("/", "\\\\"), text)
        text = text.replace("\n", "\r\n")
    return text


def run(c):
    with open(BOOTSTRAP, encoding="utf-8") as handle:
        bootstrap = handle.read()
    with tempfile.TemporaryDirectory(prefix="spawnsafe-unseen-") as tmp:
        workdir = os.path.join(tmp, "project")
        for path, text in c["files"].items():
            target = os.path.join(workdir, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
        for name in ("PYTHONSTARTUP", "PYTHONPATH", "PYTHONWARNINGS"):
            env.pop(name, None)
        argv = [python(c["version"]), "-c", bootstrap, c["method"], *c["run"]]
        if c["pipe_to_head"]:
            # `python main.py | head -1`: the reader goes away after a line.
            proc = subprocess.Popen(argv, cwd=workdir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, env=env)
            proc.stdout.readline()
            proc.stdout.close()
            err = proc.stderr.read().decode("utf-8", "replace")
            proc.wait()
        else:
            proc = subprocess.Popen(argv, cwd=workdir,
                                    stdin=subprocess.PIPE if c["stdin"] else subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                                    start_new_session=True)
            if c["stdin"]:
                proc.stdin.write(c["stdin"])
                proc.stdin.close()
            deadline = time.monotonic() + c["timeout"]
            if c["sigint_after"]:
                time.sleep(c["sigint_after"])
                os.killpg(proc.pid, signal.SIGINT)
            while proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            err = proc.stderr.read().decode("utf-8", "replace")
            proc.wait()
        text = user_paths(err, workdir, c)
    for step in c["decorate"]:
        text = step(text)
    return text


def main():
    wanted = set(sys.argv[1:])
    os.makedirs(OUT, exist_ok=True)
    lines = []
    for c in CASES:
        name = c["name"] + ".txt"
        if not wanted or c["name"] in wanted:
            text = run(c)
            if not text.strip():
                sys.exit(f"{c['name']}: the program printed nothing on stderr")
            with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        signatures, codes = c["expect"]
        if signatures == "none-or-unknown":
            signatures = "unknown"
        lines.append(f"{name} signatures={signatures} codes={codes}")
    with open(os.path.join(OUT, "expected.txt"), "w", encoding="utf-8") as fh:
        fh.write("# Written by unseen.py: the diagnosis each paste must get (first signature,\n"
                 "# and the rule code; `unknown`: not a start-method problem).\n")
        fh.write("\n".join(sorted(lines)) + "\n")
    print(f"{len(CASES)} cases")


if __name__ == "__main__":
    main()
