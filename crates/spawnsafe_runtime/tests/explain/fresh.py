"""Writes `corpus/fresh/`: 21 more pastes, a fresh check of `spawnsafe explain`
made after the unseen set (session 8), with programs and damage combinations
that no earlier corpus file has.

Each program is run by `unseen.py`'s runner on the CPython (3.8-3.13) and
start method named, its stderr renamed to a user's paths and damaged the way
users paste: the tail that fit the screen (no header), pytest's `E   `
lines, rich frames, 80-column wraps, ANSI colours, timestamps, markdown
quotes. Six are look-alikes that are not start-method problems. The expected
diagnoses are written from what each program really does.

Usage: python3 fresh.py [CASE...]   (needs /root/.pyenv/versions/3.8-3.13)
"""

import os
import re
import sys

import unseen
from unseen import ansi, cut_mid_word, fenced, prefix, pytest_wrap, quote, rich_panel, tail, wrap80

OUT = os.path.join(unseen.HERE, "corpus", "fresh")
unseen.CASES.clear()
case = unseen.case


def no_header(text):
    """The paste starts below `Traceback (most recent call last):`."""
    return "".join(line for line in text.splitlines(True) if "Traceback (most recent call last)" not in line)


def timestamps(text):
    return "".join(f"2026-03-0{1 + i % 9}T10:{i % 60:02d}:07.{i:03d}Z " + line
                   for i, line in enumerate(text.splitlines(True)))


def last_chars(n):
    return lambda text: text[-n:]


# --- positives ---------------------------------------------------------------

case("fresh_closure_pool_pytest_py39", "3.9", "spawn", {"main.py": """
    import multiprocessing as mp

    def make_scaler(k):
        def scale(x):
            return x * k
        return scale

    if __name__ == "__main__":
        with mp.Pool(2) as pool:
            print(pool.map(make_scaler(3), range(4)))
"""}, ("unpicklable-callable", "SPS201"), [pytest_wrap("test_scaling")])

case("fresh_thread_queue_process_arg_tail_py312", "3.12", "spawn", {"main.py": """
    import multiprocessing as mp
    import queue

    def consume(q):
        print(q.get())

    if __name__ == "__main__":
        jobs = queue.Queue()
        jobs.put("first")
        p = mp.Process(target=consume, args=(jobs,))
        p.start()
        p.join()
"""}, ("unpicklable-object", "SPS202"), [tail(6)])

case("fresh_sqlite_executor_ansi_py310", "3.10", "spawn", {"main.py": """
    import sqlite3
    from concurrent.futures import ProcessPoolExecutor

    def count(conn, table):
        return conn.execute(f"select count(*) from {table}").fetchone()

    if __name__ == "__main__":
        conn = sqlite3.connect(":memory:")
        with ProcessPoolExecutor(2) as ex:
            print(ex.submit(count, conn, "users").result())
"""}, ("unpicklable-object", "SPS202"), [ansi])

case("fresh_unguarded_pool_timestamps_py313", "3.13", "spawn", {"main.py": """
    from multiprocessing import Pool

    def square(n):
        return n * n

    pool = Pool(3)
    print(pool.map(square, range(6)))
    pool.close()
"""}, ("bootstrapping", "SPS101"), [tail(24), timestamps], timeout=6.0)

case("fresh_class_in_guard_rich_py311", "3.11", "spawn", {"main.py": """
    from multiprocessing import Pool

    def area(shape):
        return shape.w * shape.h

    if __name__ == "__main__":
        class Rect:
            def __init__(self, w, h):
                self.w, self.h = w, h

        with Pool(2) as pool:
            print(pool.map(area, [Rect(1, 2), Rect(3, 4)]))
"""}, ("missing-in-mp-main", "SPS105"), [rich_panel])

case("fresh_global_model_none_wrap_py310", "3.10", "spawn", {"main.py": """
    from multiprocessing import Pool

    MODEL = None

    class Model:
        def predict(self, x):
            return x + 1

    def infer(x):
        return MODEL.predict(x)

    if __name__ == "__main__":
        MODEL = Model()
        with Pool(2) as pool:
            print(pool.map(infer, [1, 2, 3]))
"""}, ("global-empty-in-child", "SPS301"), [wrap80])

case("fresh_set_start_method_toplevel_noheader_py39", "3.9", "spawn", {"main.py": """
    import multiprocessing as mp

    mp.set_start_method("spawn")

    def hello(name):
        print("hello", name)

    if __name__ == "__main__":
        p = mp.Process(target=hello, args=("bob",))
        p.start()
        p.join()
"""}, ("context-already-set", "SPS104"), [no_header])

case("fresh_forkserver_lambda_target_quote_py313", "3.13", "forkserver", {"main.py": """
    import multiprocessing as mp

    if __name__ == "__main__":
        ctx = mp.get_context("forkserver")
        p = ctx.Process(target=lambda: print("child"))
        p.start()
        p.join()
"""}, ("unpicklable-callable", "SPS201"), [quote])

case("fresh_lock_apply_async_logged_py311", "3.11", "forkserver", {"main.py": """
    import multiprocessing as mp
    import threading
    from dataclasses import dataclass, field

    @dataclass
    class Job:
        name: str
        lock: object = field(default_factory=threading.Lock)

    def run(job):
        return job.name

    if __name__ == "__main__":
        ctx = mp.get_context("forkserver")
        with ctx.Pool(2) as pool:
            res = pool.apply_async(run, (Job("a"),))
            print(res.get(timeout=10))
"""}, ("unpicklable-object", "SPS202"), [prefix("ERROR:root:job failed | ")])

case("fresh_open_file_win_tail_py39", "3.9", "windows", {"main.py": """
    import multiprocessing as mp

    def write_rows(out, rows):
        for row in rows:
            out.write(f"{row}\\n")

    if __name__ == "__main__":
        out = open("rows.txt", "w")
        p = mp.Process(target=write_rows, args=(out, [1, 2, 3]))
        p.start()
        p.join()
"""}, ("unpicklable-object", "SPS202"), [tail(8)], user=("windows", "Lena"))

case("fresh_pool_in_pool_worker_pytest_py312", "3.12", "spawn", {"main.py": """
    from multiprocessing import Pool

    def leaf(x):
        return x

    def branch(xs):
        with Pool(2) as inner:
            return inner.map(leaf, xs)

    if __name__ == "__main__":
        with Pool(2) as outer:
            print(outer.map(branch, [[1], [2]]))
"""}, ("daemonic-children", "SPS306"), [pytest_wrap("test_tree")])

case("fresh_input_in_child_timestamps_py310", "3.10", "spawn", {"main.py": """
    import multiprocessing as mp

    def ask():
        name = input("name? ")
        print("hi", name)

    if __name__ == "__main__":
        p = mp.Process(target=ask)
        p.start()
        p.join()
"""}, ("stdin-in-child", "SPS305"), [timestamps])

case("fresh_unguarded_queue_process_cut_py311", "3.11", "spawn", {"main.py": """
    import multiprocessing as mp

    results = mp.Queue()

    def produce(q):
        q.put(42)

    p = mp.Process(target=produce, args=(results,))
    p.start()
    print(results.get())
    p.join()
"""}, ("bootstrapping", "SPS101"), [tail(16), cut_mid_word(40)], timeout=6.0)

case("fresh_partial_local_fn_forkserver_ansi_wrap_py310", "3.10", "forkserver", {"main.py": """
    import functools
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    def main():
        def add(a, b):
            return a + b

        with ProcessPoolExecutor(2, mp_context=mp.get_context("forkserver")) as ex:
            print(ex.submit(functools.partial(add, 1), 2).result())

    if __name__ == "__main__":
        main()
"""}, ("unpicklable-callable", "SPS201"), [wrap80, ansi])

case("fresh_starmap_lambda_fenced_py38", "3.8", "spawn", {"main.py": """
    from multiprocessing import Pool

    combine = lambda a, b: a * b

    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.starmap(combine, [(1, 2), (3, 4)]))
"""}, ("unpicklable-callable", "SPS201"), [fenced])

# --- look-alikes: not start-method problems -----------------------------------

case("fresh_lookalike_valueerror_pool_pytest", "3.12", "spawn", {"main.py": """
    from multiprocessing import Pool

    def parse(s):
        return int(s)

    if __name__ == "__main__":
        with Pool(2) as pool:
            print(pool.map(parse, ["1", "two"]))
"""}, ("unknown", "-"), [pytest_wrap("test_parse_all")])

case("fresh_lookalike_missing_file_rich", "3.9", "spawn", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    def load(path):
        with open(path) as fh:
            return fh.read()

    if __name__ == "__main__":
        with ProcessPoolExecutor(2) as ex:
            print(list(ex.map(load, ["/data/shard-00.json"])))
"""}, ("unknown", "-"), [rich_panel])

case("fresh_lookalike_recursion_main_noheader", "3.11", "spawn", {"main.py": """
    import multiprocessing as mp

    def depth(n):
        return depth(n + 1)

    if __name__ == "__main__":
        mp.set_start_method("spawn")
        depth(0)
"""}, ("unknown", "-"), [tail(8), no_header])

case("fresh_lookalike_typeerror_worker_ansi", "3.10", "spawn", {"main.py": """
    from multiprocessing import Pool

    def total(row):
        return row["price"] + row["tax"]

    if __name__ == "__main__":
        rows = [{"price": 3, "tax": "0.5"}]
        with Pool(2) as pool:
            print(pool.map(total, rows))
"""}, ("unknown", "-"), [ansi])

case("fresh_lookalike_connection_refused_ts", "3.13", "spawn", {"main.py": """
    from multiprocessing.connection import Client

    if __name__ == "__main__":
        conn = Client(("127.0.0.1", 9), authkey=b"k")
"""}, ("unknown", "-"), [timestamps])

case("fresh_lookalike_assert_worker_quote", "3.8", "spawn", {"main.py": """
    from concurrent.futures import ProcessPoolExecutor

    def check(batch):
        assert len(batch) == 4, f"batch of {len(batch)}"
        return sum(batch)

    if __name__ == "__main__":
        with ProcessPoolExecutor(2) as ex:
            print(list(ex.map(check, [[1, 2, 3, 4], [5, 6]])))
"""}, ("unknown", "-"), [quote])


def main():
    wanted = set(sys.argv[1:])
    os.makedirs(OUT, exist_ok=True)
    lines = []
    for c in unseen.CASES:
        name = c["name"] + ".txt"
        if not wanted or c["name"] in wanted:
            text = unseen.run(c)
            if not text.strip():
                sys.exit(f"{c['name']}: the program printed nothing on stderr")
            with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        signatures, codes = c["expect"]
        lines.append(f"{name} signatures={signatures} codes={codes}")
    with open(os.path.join(OUT, "expected.txt"), "w", encoding="utf-8") as fh:
        fh.write("# Written by fresh.py: the diagnosis each paste must get (first signature,\n"
                 "# and the rule code; `unknown`: not a start-method problem).\n")
        fh.write("\n".join(sorted(lines)) + "\n")
    print(f"{len(unseen.CASES)} cases")


if __name__ == "__main__":
    main()
