#!/usr/bin/env python3
"""Label spawnsafe's report-first corpus by running every program under CPython.

Each program in ``programs/`` (``NNN_name.py``, or a folder ``NNN_name/`` whose entry point is
``main.py``) starts with three header lines::

    # source: <url of the real report it is modelled on>
    # models: <what the user did>
    # expect: fails-spawn: ... | misbehaves-spawn: ... | clean ...

``meta.json`` (hand-written) gives each program its ``category`` (the mechanism), the ``anchors``
(substrings of the lines a checker should point at; ``=text`` for a whole stripped line,
``file.py::text`` for another file of a multi-file program, ``text@N`` for the N-th match;
comment lines never match) and ``env``:
absent for stdlib programs, ``"torch"`` to put ``standins/`` (torch and torchvision stand-ins) on
PYTHONPATH, ``"venv"`` to run
with the interpreter of ``.venv`` (created here with the pinned packages below).

A program runs in a fresh interpreter through a small bootstrap that makes spawn (or forkserver)
the *default* start method without setting it -- as on Windows and macOS, a script's own first
``set_start_method()`` still succeeds -- and runs the script in the interpreter's real
``__main__`` module, as ``python script.py`` does, so spawned children re-import it as
``__mp_main__``. ``fork`` runs the program untouched (the Linux default before 3.14);
``forkserver`` is run too and labels.json records where it differs from spawn (on 3.11 the fork
server does not preload ``__main__``, so it mostly behaves like spawn).

Outcomes: ``error`` (a traceback on stderr, from the parent or any child), ``hang`` (no exit
within the timeout; the process group is killed), ``nonzero-exit``, ``ok``. A label is confirmed
when fails-spawn -> spawn is not ok; misbehaves-spawn -> spawn and fork both ok with different
stdout (compared as sorted lines); clean -> spawn ok.

Usage::

    python3 tests/corpus/label.py                 # run everything, write labels.json
    python3 tests/corpus/label.py 012 torch_      # only programs whose name contains a word (no write)
    python3 tests/corpus/label.py --check         # no CPython runs: headers, meta, labels, anchors
    python3 tests/corpus/label.py --table         # counts per category from labels.json
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(HERE, "programs")
STANDINS = os.path.join(HERE, "standins")
# Stand-ins the corpus shares with the fixtures' oracle (Lightning,
# transformers): one copy, after the corpus's own torch stand-ins.
SHARED_STANDINS = os.path.join(HERE, "..", "..", "crates", "spawnsafe_linter", "resources", "standins")
META = os.path.join(HERE, "meta.json")
LABELS = os.path.join(HERE, "labels.json")
VENV = os.path.join(HERE, ".venv")

# The third-party process starters of the ecosystem programs, pinned.
VENV_PACKAGES = [
    "joblib==1.6.0", "loky==3.7.0", "cloudpickle==3.1.3", "mpire==2.10.2", "Pebble==5.2.3",
    "pathos==0.3.5", "multiprocess==0.70.19", "dill==0.4.1", "tqdm==4.70.1", "parmap==1.7.0",
    "uvicorn==0.55.0", "dask==2026.8.0", "distributed==2026.8.0", "billiard==4.3.2",
]

EXPECTS = ("fails-spawn", "misbehaves-spawn", "clean")
HEADER = re.compile(r"^# (source|models|expect): (.+)$")

# Runs as `python -c BOOTSTRAP MODE SCRIPT ARGS...`.
BOOTSTRAP = r'''
import sys
mode, script = sys.argv[1], sys.argv[2]


def make_default(package):
    """Make `mode` the default context of `package` (multiprocessing or its dill fork) without
    setting a start method; rebind the module-level functions bound to the old default."""
    ctx = sys.modules[package + ".context"]
    old = ctx._default_context
    new = ctx.DefaultContext(ctx._concrete_contexts[mode])
    ctx._default_context = new
    for name, module in list(sys.modules.items()):
        if name == package or name.startswith(package + "."):
            for attr, value in list(vars(module).items()):
                if getattr(value, "__self__", None) is old:
                    setattr(module, attr, getattr(new, attr))


if mode != "fork":
    import multiprocessing.context
    make_default("multiprocessing")
    try:
        import multiprocess.context  # pathos' multiprocessing, when installed
    except ImportError:
        pass
    else:
        make_default("multiprocess")
    try:
        import billiard.context  # Celery's fork of multiprocessing, when installed
    except ImportError:
        pass
    else:
        make_default("billiard")

import os
sys.argv = [script] + sys.argv[3:]
sys.path[0] = os.path.dirname(os.path.abspath(script))


def run_as_main(script, main=sys.modules["__main__"]):
    # Locals only: the namespace being cleared is this function's own globals.
    with open(script, "rb") as f:
        code = compile(f.read(), script, "exec")
    namespace = main.__dict__
    for key in [k for k in namespace if k != "__builtins__"]:
        del namespace[key]
    namespace.update(__name__="__main__", __file__=script, __spec__=None, __package__=None,
                     __doc__=None, __loader__=None, __cached__=None)
    exec(code, namespace)


run_as_main(script)
'''

EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")


def list_programs():
    names = []
    for name in sorted(os.listdir(PROGRAMS)):
        path = os.path.join(PROGRAMS, name)
        if re.match(r"^\d{3}_\w+\.py$", name) or (
                re.match(r"^\d{3}_\w+$", name) and os.path.isfile(os.path.join(path, "main.py"))):
            names.append(name)
    return names


def entry_point(name):
    path = os.path.join(PROGRAMS, name)
    return os.path.join(path, "main.py") if os.path.isdir(path) else path


def read_header(path):
    fields = {}
    with open(path, encoding="utf-8") as f:
        for _ in range(3):
            m = HEADER.match(f.readline().rstrip("\n"))
            if m:
                fields[m.group(1)] = m.group(2).strip()
    return fields


def expectation(header):
    text = header.get("expect", "")
    for e in EXPECTS:
        if text == e or text.startswith(e + ":") or text.startswith(e + " "):
            return e
    return None


def program_files(name):
    path = os.path.join(PROGRAMS, name)
    if not os.path.isdir(path):
        return [path]
    out = []
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        out += [os.path.join(root, f) for f in sorted(files) if f.endswith(".py")]
    return out


def digest(name):
    h = hashlib.sha1()
    for path in program_files(name):
        h.update(os.path.relpath(path, PROGRAMS).encode())
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:12]


def resolve_anchors(name, anchors):
    """[(relative file, line)] for each anchor; raises ValueError when one does not resolve."""
    entry = entry_point(name)
    base = os.path.dirname(entry)
    out = []
    for anchor in anchors:
        path = entry
        if "::" in anchor:
            rel, anchor = anchor.split("::", 1)
            path = os.path.join(base, rel)
        occurrence = 1
        m = re.match(r"^(.*)@(\d+)$", anchor)
        if m:
            anchor, occurrence = m.group(1), int(m.group(2))
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        exact = anchor.startswith("=")
        text = anchor[1:] if exact else anchor
        seen = 0
        for number, line in enumerate(lines, 1):
            if line.lstrip().startswith("#") or not (line.strip() == text if exact else text in line):
                continue
            seen += 1
            if seen == occurrence:
                out.append((os.path.relpath(path, HERE), number))
                break
        else:
            raise ValueError(f"{name}: anchor {anchor!r} not found in {os.path.relpath(path, HERE)}")
    return sorted(set(out))


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    marker = os.path.join(VENV, "corpus-packages.txt")
    wanted = "\n".join(VENV_PACKAGES) + "\n"
    if os.path.exists(marker) and open(marker).read() == wanted:
        return python
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", *VENV_PACKAGES], check=True)
    with open(marker, "w") as f:
        f.write(wanted)
    return python


def live_in_group(pgid):
    alive = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[2] == str(pgid) and fields[0] != "Z":
            alive.append(int(pid))
    return alive


def parse_exceptions(stderr):
    """(type, message) of the last line of every traceback on stderr."""
    found = []
    lines = stderr.splitlines()
    in_traceback = False
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
            continue
        if not in_traceback or not line.strip() or line[0] in " \t":
            continue
        m = EXCEPTION_LINE.match(line)
        if m:
            message = (m.group(2) or "").strip()
            if not message and m.group(2) is not None:
                message = next((n.strip() for n in lines[i + 1:i + 4] if n.strip()), "")
            found.append((m.group(1), message))
        in_traceback = False
    return found


def run(name, mode, python, env_kind, timeout):
    script = entry_point(name)
    stdin_path = os.path.join(PROGRAMS, name[:-3] if name.endswith(".py") else name) + ".stdin"
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1", PYTHONWARNINGS="ignore")
    env.pop("PYTHONPATH", None)
    if env_kind == "torch":
        env["PYTHONPATH"] = os.pathsep.join([STANDINS, os.path.normpath(SHARED_STANDINS)])
    with tempfile.TemporaryDirectory(prefix="corpus_") as cwd:
        out_path, err_path = os.path.join(cwd, ".stdout"), os.path.join(cwd, ".stderr")
        started = time.monotonic()
        with open(out_path, "wb") as out, open(err_path, "wb") as err, \
                open(stdin_path if os.path.exists(stdin_path) else os.devnull, "rb") as stdin:
            proc = subprocess.Popen([python, "-c", BOOTSTRAP, mode, script], cwd=cwd, env=env,
                                    stdin=stdin, stdout=out, stderr=err, start_new_session=True)
            try:
                rc = proc.wait(timeout)
            except subprocess.TimeoutExpired:
                rc = None
            duration = time.monotonic() - started
            if rc is not None:  # let resource trackers and orphans finish writing
                deadline = time.monotonic() + 1.0
                while live_in_group(proc.pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        with open(out_path, "rb") as f:
            stdout = f.read().decode("utf-8", "replace")
        with open(err_path, "rb") as f:
            stderr = f.read().decode("utf-8", "replace")
        stdout = stdout.replace(cwd, "<cwd>")
        stderr = stderr.replace(cwd, "<cwd>")
    # run-specific numbers out, so that labels.json only changes when an outcome does
    stderr = re.sub(r"0x[0-9a-fA-F]{6,}", "0x...", stderr)
    stderr = re.sub(r"pid\(s\) [\d, ]+", "pid(s) ... ", stderr)
    stderr = re.sub(r"pid=\d+", "pid=...", stderr)
    exceptions = parse_exceptions(stderr)
    if rc is None:
        outcome = "hang"
    elif rc < 0:
        outcome = "nonzero-exit"
    elif exceptions:
        outcome = "error"
    elif rc != 0:
        outcome = "nonzero-exit"
    else:
        outcome = "ok"
    lines = stdout.splitlines()
    first = next((e for e in exceptions if not e[0].endswith("RemoteTraceback")), None)
    return {
        "outcome": outcome,
        "rc": rc,
        "exception": f"{first[0]}: {first[1]}"[:240] if first else None,
        "exceptions": sorted({f"{t}: {m}"[:200] for t, m in exceptions}),
        "duration_s": round(duration, 2),
        "stdout_sha1": hashlib.sha1("\n".join(sorted(lines)).encode()).hexdigest()[:12],
        "stdout_tail": "\n".join(lines[-6:])[-600:],
        "stderr_tail": stderr[-800:],
    }


def confirm(expect, spawn, fork):
    if expect == "fails-spawn":
        return spawn["outcome"] != "ok"
    if expect == "misbehaves-spawn":
        return spawn["outcome"] == fork["outcome"] == "ok" and spawn["stdout_sha1"] != fork["stdout_sha1"]
    return spawn["outcome"] == "ok"


def load_meta():
    with open(META, encoding="utf-8") as f:
        return json.load(f)


def check():
    """Everything that needs no CPython run; returns a list of problems."""
    problems = []
    meta = load_meta()
    try:
        with open(LABELS, encoding="utf-8") as f:
            labels = {c["program"]: c for c in json.load(f)["programs"]}
    except FileNotFoundError:
        labels = {}
        problems.append("labels.json missing: run python3 tests/corpus/label.py")
    names = list_programs()
    for name in names:
        header = read_header(entry_point(name))
        if set(header) != {"source", "models", "expect"}:
            problems.append(f"{name}: the first three lines must be # source:, # models:, # expect:")
        elif not header["source"].startswith("https://"):
            problems.append(f"{name}: # source: is not a URL")
        expect = expectation(header)
        if expect is None:
            problems.append(f"{name}: # expect: must start with one of {', '.join(EXPECTS)}")
        m = meta.get(name)
        if m is None:
            problems.append(f"{name}: no entry in meta.json")
            continue
        if not m.get("category"):
            problems.append(f"{name}: meta.json entry has no category")
        if expect != "clean" and not m.get("anchors"):
            problems.append(f"{name}: a failing or misbehaving program needs anchors")
        try:
            locations = resolve_anchors(name, m.get("anchors", []))
        except ValueError as e:
            problems.append(str(e))
            continue
        label = labels.get(name)
        if label is None:
            problems.append(f"{name}: no entry in labels.json")
            continue
        if label["sha1"] != digest(name):
            problems.append(f"{name}: changed since it was labelled")
        if label["expect"] != expect or label["category"] != m["category"]:
            problems.append(f"{name}: labels.json disagrees with the header or meta.json")
        if [[f, n] for f, n in locations] != label["locations"]:
            problems.append(f"{name}: anchors resolve to other lines than labels.json says")
        if not label["confirmed"]:
            problems.append(f"{name}: label not confirmed by CPython")
    for name in set(meta) - set(names):
        problems.append(f"{name}: in meta.json but no such program")
    for name in set(labels) - set(names):
        problems.append(f"{name}: in labels.json but no such program")
    return problems


def table(programs):
    rows = {}
    for p in programs:
        row = rows.setdefault(p["category"], dict.fromkeys(EXPECTS, 0))
        row[p["expect"]] += 1
    out = ["| category | fails-spawn | misbehaves-spawn | clean | programs |", "|---|---|---|---|---|"]
    for category in sorted(rows):
        r = rows[category]
        out.append(f"| {category} | {r['fails-spawn']} | {r['misbehaves-spawn']} | {r['clean']} | {sum(r.values())} |")
    total = {e: sum(r[e] for r in rows.values()) for e in EXPECTS}
    out.append(f"| **total** | {total['fails-spawn']} | {total['misbehaves-spawn']} | {total['clean']} | {sum(total.values())} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("only", nargs="*", help="run only programs whose name contains one of these")
    ap.add_argument("--check", action="store_true", help="verify headers, meta, labels, anchors; no runs")
    ap.add_argument("--table", action="store_true")
    ap.add_argument("--no-forkserver", action="store_true", help="skip the forkserver runs")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=12.0)
    args = ap.parse_args()
    if args.check:
        problems = check()
        for p in problems:
            print("PROBLEM:", p)
        print(f"{len(list_programs())} programs, {len(problems)} problems")
        sys.exit(1 if problems else 0)
    if args.table:
        with open(LABELS, encoding="utf-8") as f:
            print(table(json.load(f)["programs"]))
        return
    meta = load_meta()
    names = [n for n in list_programs() if not args.only or any(w in n for w in args.only)]
    missing = [n for n in names if n not in meta]
    if missing:
        sys.exit(f"no meta.json entry for: {', '.join(missing)}")
    venv_python = ensure_venv() if any(meta[n].get("env") == "venv" for n in names) else None
    modes = ["spawn", "fork"] + ([] if args.no_forkserver else ["forkserver"])
    results = {n: {} for n in names}
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {}
        for n in names:
            kind = meta[n].get("env")
            python = venv_python if kind == "venv" else sys.executable
            for mode in modes:
                futures[pool.submit(run, n, mode, python, kind, meta[n].get("timeout", args.timeout))] = (n, mode)
        for fut in concurrent.futures.as_completed(futures):
            n, mode = futures[fut]
            results[n][mode] = r = fut.result()
            print(f"  {n:48s} {mode:10s} {r['outcome']:12s} {r['exception'] or ''}"[:150], file=sys.stderr)
    programs, problems = [], []
    for n in names:
        header = read_header(entry_point(n))
        expect = expectation(header)
        res = results[n]
        ok = confirm(expect, res["spawn"], res["fork"])
        if not ok:
            problems.append(f"{n}: {expect} NOT confirmed (spawn={res['spawn']['outcome']} "
                            f"{res['spawn']['exception']}, fork={res['fork']['outcome']})")
        locations = resolve_anchors(n, meta[n].get("anchors", []))
        entry = {
            "program": n,
            "file": os.path.relpath(entry_point(n), HERE),
            "expect": expect,
            "category": meta[n]["category"],
            "env": meta[n].get("env", "stdlib"),
            "source": header.get("source", ""),
            "confirmed": ok,
            "locations": [[f, line] for f, line in locations],
            "sha1": digest(n),
        }
        for mode in modes:
            r = res[mode]
            entry[mode] = {k: r[k] for k in ("outcome", "rc", "exception")}
        entry["spawn_exceptions"] = res["spawn"]["exceptions"]
        entry["spawn_stdout_same_as_fork"] = res["spawn"]["stdout_sha1"] == res["fork"]["stdout_sha1"]
        if "forkserver" in res:
            entry["forkserver_differs"] = (res["forkserver"]["outcome"] != res["spawn"]["outcome"] or
                                           res["forkserver"]["stdout_sha1"] != res["spawn"]["stdout_sha1"])
        programs.append(entry)
    print(f"ran {len(names)} programs x {len(modes)} modes in {time.monotonic() - started:.0f}s", file=sys.stderr)
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    if args.only:
        print(json.dumps({p["program"]: {m: p[m] for m in modes} for p in programs}, indent=1))
        return
    with open(LABELS, "w", encoding="utf-8") as f:
        json.dump({"generated_by": "python3 tests/corpus/label.py", "python": sys.version.split()[0],
                   "modes": modes, "programs": programs}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(LABELS)}: {len(programs)} programs, "
          f"{sum(p['confirmed'] for p in programs)} confirmed", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
