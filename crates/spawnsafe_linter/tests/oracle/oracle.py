"""CPython oracle: run every rule fixture under a forced start method and check
that it really behaves as its header claims.

A fixture is a `.py` file, or a directory whose entry is `main.py`. Its header
comments state the claims, one per start method:

    # oracle-spawn: fails "An attempt has been made to start a new process"
    # oracle-fork: ok
    # oracle-forkserver: hangs
    # oracle-windows: fails "cannot find context for 'fork'"

`windows` is spawn with the fork and forkserver contexts removed, as on Windows.
A notebook fixture (`.ipynb`) runs its code cells in an interactive `__main__`
with no `__file__`, as Jupyter does; its claims are comments at the top of its
first code cell.

Claims:
    ok                      exits 0 and no traceback on stderr (parent or child)
    ok stdout "TEXT"        ... and TEXT is on stdout
    fails "TEXT"            TEXT appears on stderr (from the parent or any child)
    hangs                   still running when the timeout expires
    stdout-lacks "TEXT"     exits 0 but TEXT is *not* on stdout (code that never ran)
    ok stdout-count N "TEXT"  exits 0 and TEXT is on stdout exactly N times
                            (top-level output that children repeat)

A directory fixture may say `# oracle-run: -m pkg.mod` to run a module instead
of `main.py`. Every fixture must make a claim for spawn. The fixture runs in a
temporary copy of itself, so files it writes go nowhere.

Usage: python3 oracle.py [--jobs N] [--timeout S] PATH...   (fixtures or folders of them)
Prints one line per claim and a closing "N passed, N failed"; exit 1 on failure.

       python3 oracle.py --compare ORIGINAL FIXED [ORIGINAL FIXED ...]
checks fixed forms that `spawnsafe check --fix` made of flagged fixtures: each
must work under spawn (and under forkserver or "windows" when the original makes
a claim for it) and do what the original does under fork: the same stdout lines and the
same files written. An original that lacks output under fork too (a broken
guard) must now print what its `stdout-lacks` claim names. An original that fails
under fork too (`fails "TEXT"` for both) may raise its own exception once fixed:
TEXT must be gone and the fixed form must end alike under spawn and fork.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

STANDINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "standins")
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
BOOTSTRAP = os.path.join(HERE, "..", "..", "..", "..", "python", "spawnsafe", "_bootstrap.py")
CLAIM_LINE = re.compile(r"^#\s*oracle-(spawn|fork|forkserver|windows):\s*(.+?)\s*$")
RUN_LINE = re.compile(r"^#\s*oracle-run:\s*(.+?)\s*$")
CLAIM = re.compile(r'^(ok|fails|hangs|stdout-lacks)(?:\s+(stdout\s+|stdout-count\s+(\d+)\s+)?"(.*)")?$')


def find_fixtures(paths):
    fixtures = []
    for path in paths:
        path = os.path.abspath(path)
        if is_fixture(path):
            fixtures.append(path)
            continue
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in list(dirs):
                candidate = os.path.join(root, name)
                if os.path.isfile(os.path.join(candidate, "main.py")):
                    fixtures.append(candidate)
                    dirs.remove(name)
            for name in sorted(files):
                if name.endswith((".py", ".ipynb")) and is_fixture(os.path.join(root, name)):
                    fixtures.append(os.path.join(root, name))
    return sorted(set(fixtures))


def entry_file(fixture):
    return os.path.join(fixture, "main.py") if os.path.isdir(fixture) else fixture


def is_fixture(path):
    if os.path.isdir(path):
        return os.path.isfile(os.path.join(path, "main.py"))
    return path.endswith((".py", ".ipynb")) and bool(read_header(path)[0])


def header_lines(entry):
    if entry.endswith(".ipynb"):
        import json

        with open(entry, encoding="utf-8") as handle:
            notebook = json.load(handle)
        for cell in notebook.get("cells", []):
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                return ("".join(source) if isinstance(source, list) else source).splitlines(True)
        return []
    with open(entry, encoding="utf-8", errors="replace") as handle:
        return handle.readlines()


def read_header(entry):
    claims, run = {}, None
    if True:
        for line in header_lines(entry):
            if not line.startswith("#"):
                break
            match = CLAIM_LINE.match(line)
            if match:
                claims[match.group(1)] = match.group(2)
            match = RUN_LINE.match(line)
            if match:
                run = match.group(1).split()
    return claims, run


def snapshot_files(root):
    """Every file under root (but caches), relative path -> bytes."""
    files = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = [name for name in dirs if name != "__pycache__"]
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                files[os.path.relpath(path, root)] = handle.read()
    return files


# logging's default `asctime` ("2024-05-01 12:00:00,123"): two runs of a
# program never log at the same moment, so a log file compares without it.
LOG_TIME = re.compile(rb"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}")


def without_log_times(written):
    return {path: LOG_TIME.sub(b"<time>", data) for path, data in written.items()}


def run_program(fixture, method, run, timeout, python, watch=None):
    """Runs a fixture in a temporary copy under a forced start method.

    Stops early once `watch` appears on stderr. Returns (exit code, stdout,
    stderr, timed out, the files the run created or changed)."""
    with tempfile.TemporaryDirectory(prefix="spawnsafe-oracle-") as tmp:
        if os.path.isdir(fixture):
            workdir = os.path.join(tmp, os.path.basename(fixture))
            shutil.copytree(fixture, workdir)
            target = run or ["main.py"]
        else:
            workdir = os.path.join(tmp, "run")
            os.mkdir(workdir)
            shutil.copy(fixture, workdir)
            target = [os.path.basename(fixture)]
        before = snapshot_files(workdir)
        with open(BOOTSTRAP, encoding="utf-8") as handle:
            bootstrap = handle.read()
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
        # Stand-ins for libraries CI cannot install (PyTorch): see resources/standins.
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [STANDINS, os.environ.get("PYTHONPATH")]))
        env.pop("PYTHONSTARTUP", None)
        process = subprocess.Popen(
            [python, "-c", bootstrap, method, *target],
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        stderr_chunks, stdout_chunks = [], []
        seen = threading.Event()

        def pump(stream, sink, watching):
            for chunk in iter(lambda: stream.read1(65536), b""):
                sink.append(chunk)
                if watching and watch.encode() in b"".join(sink):
                    seen.set()

        readers = [
            threading.Thread(target=pump, args=(process.stderr, stderr_chunks, watch is not None)),
            threading.Thread(target=pump, args=(process.stdout, stdout_chunks, False)),
        ]
        for reader in readers:
            reader.start()
        deadline = time.monotonic() + timeout
        timed_out = False
        while process.poll() is None:
            if seen.is_set():
                break
            if time.monotonic() > deadline:
                timed_out = True
                break
            time.sleep(0.02)
        if process.poll() is None:
            # Kill the whole group: an unguarded Pool keeps replacing dead workers.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait()
        for reader in readers:
            reader.join(timeout=5)
        after = snapshot_files(workdir)
        written = {path: data for path, data in after.items() if before.get(path) != data}
        stderr = b"".join(stderr_chunks).decode("utf-8", "replace")
        stdout = b"".join(stdout_chunks).decode("utf-8", "replace")
        return process.returncode, stdout, stderr, timed_out, written


def tail(text_):
    return "\n      ".join(text_.strip().splitlines()[-6:])


def run_claim(fixture, method, claim_text, run, timeout, python, hang_timeout=10.0):
    claim = CLAIM.match(claim_text)
    if not claim:
        return False, f"unreadable claim {claim_text!r}"
    kind, count, text = claim.group(1), claim.group(3), claim.group(4)
    # A fixture that works finishes in seconds; one claimed to hang is given less time.
    code, stdout, stderr, timed_out, _ = run_program(
        fixture,
        method,
        run,
        min(timeout, hang_timeout) if kind == "hangs" else timeout,
        python,
        watch=text if kind == "fails" else None,
    )

    if kind == "fails":
        if text in stderr:
            return True, "failed as claimed"
        return False, f"expected {text!r} on stderr; exit {code}, timed out={timed_out}\n      stderr: {tail(stderr)}"
    if kind == "hangs":
        if timed_out:
            return True, "hung as claimed"
        return False, f"expected a hang, exited {code}\n      stderr: {tail(stderr)}"
    if timed_out:
        return False, f"timed out after {timeout}s\n      stderr: {tail(stderr)}"
    if code != 0 or "Traceback (most recent call last)" in stderr:
        return False, f"expected success, exit {code}\n      stderr: {tail(stderr)}"
    if kind == "ok" and count is not None:
        seen = stdout.count(text)
        if seen != int(count):
            return False, f"expected {text!r} {count} times on stdout, saw it {seen} times\n      stdout: {tail(stdout)}"
    elif kind == "ok" and text is not None and text not in stdout:
        return False, f"expected {text!r} on stdout\n      stdout: {tail(stdout)}"
    if kind == "stdout-lacks" and text in stdout:
        return False, f"expected {text!r} not on stdout, but it is"
    return True, "succeeded as claimed"


def works(result, timeout):
    """None when a run succeeded, else why not."""
    code, _, stderr, timed_out, _ = result
    if timed_out:
        return f"timed out after {timeout}s\n      stderr: {tail(stderr)}"
    if code != 0 or "Traceback (most recent call last)" in stderr:
        return f"exit {code}\n      stderr: {tail(stderr)}"
    return None


def last_exception(stderr):
    """The last line of the last traceback on stderr (`ValueError: ...`), or None."""
    lines = stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    if not starts:
        return None
    after = [line for line in lines[starts[-1] + 1:] if line and not line[0].isspace()]
    return after[0] if after else None


def raises_alike_everywhere(original, fixed, claims, run, spawn_result, timeout, python):
    """For an original that fails under fork too (an object pickled under every start
    method), the fixed form may raise the program's own exception, which the hazard
    lost: accepted when its claimed failure is gone and the fixed form raises the same
    exception with the same stdout under spawn and fork. A message, else None."""
    fork = CLAIM.match(claims.get("fork", "")) if claims.get("fork") else None
    spawn = CLAIM.match(claims.get("spawn", "")) if claims.get("spawn") else None
    if not (fork and spawn and fork.group(1) == spawn.group(1) == "fails" and fork.group(4)):
        return None
    code, stdout, stderr, timed_out, _ = spawn_result
    raised = last_exception(stderr)
    if timed_out or not raised or fork.group(4) in stderr:
        return None
    f_code, f_stdout, f_stderr, f_timed_out, _ = run_program(fixed, "fork", run, timeout, python)
    if f_timed_out or f_code != code or last_exception(f_stderr) != raised or fork.group(4) in f_stderr:
        return None
    if sorted(stdout.splitlines()) != sorted(f_stdout.splitlines()):
        return None
    return f"no longer fails with {fork.group(4)!r}: raises its own `{raised}` under spawn and fork alike"


def compare_fixed(original, fixed, timeout, python):
    """A fixed fixture must work under spawn (and under forkserver or on Windows
    when the original makes a claim for it) and do what the original does under fork: the same
    stdout and the same files written. When the original never does its work
    under fork either (a broken guard), the text it lacks must now be printed."""
    claims, run = read_header(entry_file(original))
    methods = ["spawn"] + [method for method in ("forkserver", "windows") if method in claims]
    outputs = {}
    for method in methods:
        result = run_program(fixed, method, run, timeout, python)
        problem = works(result, timeout)
        if problem:
            raised = raises_alike_everywhere(original, fixed, claims, run, result, timeout, python)
            if raised:
                return True, raised
            return False, f"the fixed form fails under {method}: {problem}"
        outputs[method] = result
    _, stdout, _, _, written = outputs["spawn"]
    fork = CLAIM.match(claims.get("fork", "")) if claims.get("fork") else None
    if fork and fork.group(1) == "ok":
        reference = run_program(original, "fork", run, timeout, python)
        problem = works(reference, timeout)
        if problem:
            return False, f"the original fails under fork: {problem}"
        _, fork_stdout, _, _, fork_written = reference
        if sorted(stdout.splitlines()) != sorted(fork_stdout.splitlines()):
            return False, (
                f"stdout differs from the original under fork\n      fixed: {tail(stdout)}"
                f"\n      fork:  {tail(fork_stdout)}"
            )
        if without_log_times(fork_written) != without_log_times(written):
            return False, f"files written differ: {sorted(written)} vs {sorted(fork_written)} under fork"
        return True, "works under " + " and ".join(methods) + ", same output as the original under fork"
    lacking = [
        claim.group(4)
        for claim in (CLAIM.match(text) for text in claims.values())
        if claim and claim.group(1) == "stdout-lacks"
    ]
    for text in lacking:
        if text not in stdout:
            return False, f"the fixed form still does not print {text!r}\n      stdout: {tail(stdout)}"
    return True, "works under " + " and ".join(methods) + (", now prints what it lacked" if lacking else "")


def main_compare(options):
    if len(options.paths) % 2:
        print("FAIL --compare takes pairs: ORIGINAL FIXED ...")
        sys.exit(1)
    pairs = list(zip(options.paths[::2], options.paths[1::2]))

    def execute(pair):
        original, fixed = (os.path.abspath(path) for path in pair)
        started = time.monotonic()
        ok, why = compare_fixed(original, fixed, options.timeout, options.python)
        elapsed = time.monotonic() - started
        return ok, f"{'ok  ' if ok else 'FAIL'} fixed {os.path.relpath(original)}: {why} ({elapsed:.1f}s)"

    passed = failed = 0
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        for ok, line in pool.map(execute, pairs):
            print(line, flush=True)
            passed += ok
            failed += not ok
    print(f"oracle: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="paths are pairs ORIGINAL FIXED: check the fixed forms --fix made",
    )
    parser.add_argument("--jobs", type=int, default=max(2, (os.cpu_count() or 2) * 2))
    # Generous: a working fixture with 64 spawned workers can take 30 s on a
    # loaded two-core CI machine, and only a broken fixture ever waits this long.
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--hang-timeout", type=float, default=10.0)
    parser.add_argument("--python", default=os.environ.get("SPAWNSAFE_ORACLE_PYTHON", sys.executable))
    options = parser.parse_args()
    if options.compare:
        main_compare(options)
        return

    jobs, problems = [], []
    for fixture in find_fixtures(options.paths):
        claims, run = read_header(entry_file(fixture))
        if "spawn" not in claims:
            problems.append(f"FAIL {fixture}: no `# oracle-spawn:` claim")
            continue
        for method, claim_text in sorted(claims.items()):
            jobs.append((fixture, method, claim_text, run))

    def execute(job):
        fixture, method, claim_text, run = job
        started = time.monotonic()
        ok, why = run_claim(
            fixture, method, claim_text, run, options.timeout, options.python, options.hang_timeout
        )
        elapsed = time.monotonic() - started
        return ok, f"{'ok  ' if ok else 'FAIL'} {os.path.relpath(fixture)} [{method}: {claim_text}] {why} ({elapsed:.1f}s)"

    passed = failed = 0
    with ThreadPoolExecutor(max_workers=options.jobs) as pool:
        for ok, line in pool.map(execute, jobs):
            print(line, flush=True)
            passed += ok
            failed += not ok
    for problem in problems:
        print(problem)
        failed += 1
    print(f"oracle: {passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
