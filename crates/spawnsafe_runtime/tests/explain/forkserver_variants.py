"""Captures the forkserver variant of every corpus case that fails under spawn.

Under forkserver (the default on Linux from Python 3.14) the same failures
print other frames: `popen_forkserver.py` `_launch` where the parent pickles a
process object, `forkserver.py` `main`/`_serve_one` above `spawn.py _main` in a
child, and the fork server itself re-importing the main module before 3.13.8.
This script runs each spawn case of `capture.py` and `capture_extra.py` (their
programs in `programs/<case>/`) with forkserver forced as the default, on the
CPython versions this machine has (3.8 to 3.13, in turn), and writes
`corpus/forkserver/pyXY_<case>.txt` with the case's own expectation when
CPython printed the case's claim (`must`) there too. Cases whose program asks
for spawn itself, or that run only on Windows or under fork, are left out;
a case whose claim does not appear under forkserver is reported, not written.

Python 3.14.1 (and 3.13.8) make the fork server preload `__main__`
(GH-135295): the server itself imports the main module, as `__mp_main__`,
through `forkserver.main` -> `spawn.import_main_path`, so an unguarded start
fails in the server rather than in each child. 3.14 is not installed here. 3.13.0 has
the same `forkserver.main` preload code, but its `ensure_running` asks
`get_preparation_data()` for a `main_path` key that only exists as
`init_main_from_path`, so the server never gets the path: the cases in PRELOAD
are captured with CPython 3.13.0, `set_forkserver_preload(["__main__"])` and
that key passed on (what the fix does), as
`corpus/forkserver/preload_<case>.txt`.

Usage: python3 forkserver_variants.py [CASE...]
"""

import copy
import glob
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capture  # noqa: E402
import capture_extra  # noqa: E402

OUT = os.path.join(capture.CORPUS, "forkserver")
VERSIONS = ["3.12", "3.8", "3.10", "3.13", "3.11", "3.9"]
PRELOAD = ["unguarded_pool_spawn", "unguarded_process_spawn", "unguarded_executor", "unguarded_manager",
           "import_time_pool_in_library", "module_run_unguarded", "worker_defined_in_guard_process",
           "class_defined_in_guard", "global_set_in_guard_pool", "malformed_guard_always_true"]
PRELOAD_MAIN = """\
import multiprocessing.forkserver, multiprocessing.spawn
multiprocessing.forkserver.set_forkserver_preload(['__main__'])
def _with_main_path(name, _get=multiprocessing.spawn.get_preparation_data):
    data = _get(name)
    if 'init_main_from_path' in data:
        data['main_path'] = data['init_main_from_path']
    return data
multiprocessing.spawn.get_preparation_data = _with_main_path
# The server is a fresh interpreter (`python -c "from multiprocessing.forkserver
# import main; ..."`): forkserver must be its default too, as on 3.14.
import multiprocessing.util
def _spawnv_passfds(path, args, passfds, _spawnv=multiprocessing.util.spawnv_passfds):
    if args[-2:-1] == ['-c'] and 'forkserver import main' in args[-1]:
        args = args[:-1] + ['import sys; sys.path.insert(0, %r); import _bootstrap; '
                            '_bootstrap.force("forkserver"); ' % BOOTSTRAP_DIR + args[-1]]
    return _spawnv(path, args, passfds)
multiprocessing.util.spawnv_passfds = _spawnv_passfds
"""


def python(version):
    return glob.glob(f"/root/.pyenv/versions/{version}.*/bin/python3")[0]


def asks_for_spawn(case):
    return any('"spawn"' in text or "'spawn'" in text for text in case.files.values())


def main():
    wanted = set(sys.argv[1:])
    os.makedirs(OUT, exist_ok=True)
    lines, differ = [], []
    cases = [c for c in capture.CASES + capture_extra.CASES
             if c.method == "spawn" and not asks_for_spawn(c)]
    for index, original in enumerate(cases):
        version = VERSIONS[index % len(VERSIONS)]
        name = f"py{version.replace('.', '')}_{original.name}"
        if wanted and original.name not in wanted:
            continue
        case = copy.copy(original)
        case.method = "forkserver"
        stderr = capture.run_case(case, python(version), write_program=False)
        # The same claim in other versions' words: 3.13's "Can't get local
        # object", 3.12's `BuiltinImporter` repr of a `__main__` with no file.
        claims = [case.must, case.must.replace("pickle local", "get local"),
                  case.must.replace("(built-in)", "BuiltinImporter")]
        if not any(claim in stderr for claim in claims):
            differ.append(f"{name}: no {case.must!r} under forkserver")
            print(f"DIFF {name}", flush=True)
            continue
        print(f"ok   {name}", flush=True)
        with open(os.path.join(OUT, name + ".txt"), "w", encoding="utf-8") as handle:
            handle.write(stderr)
        signatures, codes = case.expect
        lines.append(f"{name}.txt signatures={signatures} codes={codes}")
    # What 3.14.1's fork server does by default: preload `__main__`.
    with open(capture.BOOTSTRAP, encoding="utf-8") as handle:
        bootstrap = handle.read()
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(PRELOAD_MAIN.replace("BOOTSTRAP_DIR", repr(os.path.dirname(os.path.abspath(capture.BOOTSTRAP))))
                     + bootstrap)
    saved, capture.BOOTSTRAP = capture.BOOTSTRAP, handle.name
    try:
        for original in [c for c in cases if c.name in PRELOAD]:
            if wanted and original.name not in wanted:
                continue
            name = f"preload_{original.name}"
            case = copy.copy(original)
            case.method = "forkserver"
            stderr = capture.run_case(case, python("3.13"), write_program=False)
            # The server's command line as CPython writes it, without our prefix
            # (and the caret line under it, which the prefix lengthened).
            stderr = re.sub(r"import sys; sys\.path\.insert\(0, '[^']*'\); import _bootstrap; "
                            r"_bootstrap\.force\(\"forkserver\"\); ", "", stderr)
            stderr = re.sub(r"(    from multiprocessing\.forkserver import main; main\(.*\n) +~+\^+\n", r"\1", stderr)
            # An unguarded start fails in the server itself; the other cases
            # still fail in the children it forks.
            in_server = case.expect[0].startswith("bootstrapping")
            if case.must not in stderr or (in_server and "import_main_path" not in stderr):
                differ.append(f"{name}: no {case.must!r} with __main__ preloaded")
                print(f"DIFF {name}", flush=True)
                continue
            print(f"ok   {name}", flush=True)
            with open(os.path.join(OUT, name + ".txt"), "w", encoding="utf-8") as out:
                out.write(stderr)
            signatures, codes = case.expect
            lines.append(f"{name}.txt signatures={signatures} codes={codes}")
    finally:
        capture.BOOTSTRAP = saved
        os.unlink(handle.name)
    if not wanted:
        with open(os.path.join(OUT, "expected.txt"), "w", encoding="utf-8") as handle:
            handle.write("# Written by forkserver_variants.py: each spawn case of capture.py and\n"
                         "# capture_extra.py run under forkserver, with the case's expectation.\n")
            handle.write("\n".join(sorted(lines)) + "\n")
    print("\n".join(differ))


if __name__ == "__main__":
    main()
