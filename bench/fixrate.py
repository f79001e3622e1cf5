#!/usr/bin/env python3
"""Measure how many hazards ``spawnsafe check --fix --unsafe-fixes`` repairs, by running CPython.

For every program of the corpora that ``bench/corpus.py`` scores (``tests/corpus`` and, when it
exists, ``../shared/corpus/programs``), staged the way ``corpus.py`` stages it (header blanked):

1. the original runs under fork (the behaviour users had, the reference);
2. ``spawnsafe check --output-format json`` lists the findings and whether they offer a fix;
3. ``spawnsafe check --fix --unsafe-fixes --isolated`` fixes the copy in place;
4. the fixed program runs with spawn forced as the default start method, through the bootstrap
   and runner of ``tests/corpus/label.py`` (same interpreter, stand-ins and virtualenv as the
   labels), from the same path, so that printed paths compare equal.

A failing or misbehaving program (a *hazard*) is *fixable* unless ``bench/fix-exempt.json`` lists
it: that reviewed file names, with a one-line reason each, the hazards for which no mechanical fix is
right (the program's design must change). A fix is *offered* when a finding of severity error or
warning carries one. A hazard is *repaired* when the fixed program exits cleanly under spawn with
the original's fork stdout (as sorted lines). When the original fails under fork too (a task argument is pickled under
every start method), there is no fork output to match: the fixed program must then exit cleanly
under both fork and spawn with the same stdout. A clean program is *changed* when the fixes touched any file, and
*broken* when the change made its spawn run differ (outcome or stdout) from the original's.

Repaired hazards are reported of all hazards, of the fixable ones, and of those offered a fix.

Usage::

    python3 bench/fixrate.py [--spawnsafe PATH] [--corpus DIR ...] [--only WORD ...] [--json] [-j N]
"""
import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "corpus"))

import corpus  # noqa: E402  (bench/corpus.py: loading and staging)
import label  # noqa: E402  (tests/corpus/label.py: the spawn-forcing bootstrap and runner)

EXPECTS = corpus.EXPECTS
EXEMPT = os.path.join(HERE, "fix-exempt.json")


def load_exempt(path):
    """{program unit: reason} of ``fix-exempt.json`` for the corpus at ``path``."""
    with open(EXEMPT, encoding="utf-8") as f:
        exempt = json.load(f)
    return exempt.get(os.path.relpath(path, corpus.REPO), {})


def corpus_envs(path):
    """{unit: env kind} from a corpus' meta.json (``torch``, ``venv``; absent for stdlib)."""
    meta_path = os.path.join(path, "meta.json")
    if not os.path.exists(meta_path):
        return {}
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    if not isinstance(meta, dict):
        return {}
    return {name: (m.get("env") if isinstance(m, dict) else None) for name, m in meta.items()}


def stdin_of(path, program):
    unit = os.path.join(path, program["unit"])
    stem = unit[:-3] if unit.endswith(".py") else unit
    return stem + ".stdin"


def findings(binary, target):
    proc = subprocess.run([binary, "check", "--output-format", "json", "--exit-zero", "--isolated", target],
                          capture_output=True, text=True)
    return json.loads(proc.stdout or "[]")


def tree_files(target):
    if os.path.isfile(target):
        return [target]
    out = []
    for root, dirs, files in os.walk(target):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        out += [os.path.join(root, f) for f in files if f.endswith(".py")]
    return sorted(out)


def measure(binary, path, program, env_kind, python, root, timeout, exempt):
    """Stage, run the original (fork; spawn for a clean one), fix, run the fixed one under spawn."""
    work = os.path.join(root, program["unit"].replace(os.sep, "_"))
    shutil.rmtree(work, ignore_errors=True)
    target = corpus.stage(path, program, work)
    stdin = stdin_of(path, program)
    if os.path.exists(stdin):
        shutil.copy(stdin, (target[:-3] if target.endswith(".py") else target) + ".stdin")
    original = work + ".orig"
    shutil.rmtree(original, ignore_errors=True)
    shutil.copytree(work, original)

    hazard = program["expect"] != "clean"
    before = findings(binary, target)
    alarms = [d for d in before if d.get("severity") in corpus.ALARM]
    offered = sorted({d["code"] for d in alarms if d.get("fix")})
    result = {"program": program["unit"], "expect": program["expect"], "category": program["category"],
              "flagged": bool(alarms), "offered": bool(offered), "fix_codes": offered,
              "exempt": exempt.get(program["unit"]) if hazard else None}
    # The reference: fork for a hazard (what users saw), spawn for a clean program.
    reference = label.run(target, "fork" if hazard else "spawn", python, env_kind, timeout)
    fixed = subprocess.run([binary, "check", "--fix", "--unsafe-fixes", "--exit-zero", "--isolated", target],
                           capture_output=True, text=True)
    result["fix_error"] = fixed.stderr.strip()[-400:] if fixed.returncode not in (0, 1) else None
    changed = [os.path.relpath(f, work) for f in tree_files(target)
               if not filecmp.cmp(f, os.path.join(original, os.path.relpath(f, work)), shallow=False)]
    result["changed"] = changed
    result["reference"] = {k: reference[k] for k in ("outcome", "exception", "stdout_sha1")}
    if not changed:
        result.update(repaired=False, broken=False)
        return result
    after = label.run(target, "spawn", python, env_kind, timeout)
    result["after"] = {k: after[k] for k in ("outcome", "exception", "stdout_sha1", "stdout_tail", "stderr_tail")}
    same = after["outcome"] == reference["outcome"] and after["stdout_sha1"] == reference["stdout_sha1"]
    if hazard and reference["outcome"] != "ok" and after["outcome"] == "ok":
        # Broken under fork too (a task argument pickled under every start method): fork's output
        # is a failure, so the fixed program must run alike under fork and spawn instead.
        fork_after = label.run(target, "fork", python, env_kind, timeout)
        result["fixed_fork"] = {k: fork_after[k] for k in ("outcome", "exception", "stdout_sha1")}
        same = fork_after["outcome"] == "ok" and fork_after["stdout_sha1"] == after["stdout_sha1"]
    result["repaired"] = hazard and after["outcome"] == "ok" and same
    result["broken"] = not hazard and not same
    result["remaining"] = sorted({d["code"] for d in findings(binary, target) if d.get("severity") in corpus.ALARM})
    return result


def tally(results):
    rows = {}
    for r in results:
        for key in (r["category"], "total"):
            row = rows.setdefault(key, {"hazards": 0, "exempt": 0, "fixable": 0, "offered": 0, "repaired": 0,
                                        "repaired_fixable": 0, "repaired_offered": 0,
                                        "clean": 0, "clean_changed": 0, "clean_broken": 0})
            if r["expect"] == "clean":
                row["clean"] += 1
                row["clean_changed"] += bool(r["changed"])
                row["clean_broken"] += r["broken"]
            else:
                fixable = not r["exempt"]
                row["hazards"] += 1
                row["exempt"] += not fixable
                row["fixable"] += fixable
                row["offered"] += r["offered"]
                row["repaired"] += r["repaired"]
                row["repaired_fixable"] += r["repaired"] and fixable
                row["repaired_offered"] += r["repaired"] and r["offered"]
    return rows


def table(rows):
    pct = corpus.pct
    out = ["| category | failing + misbehaving | exempt (no mechanical fix) | a fix offered | repaired (of all)"
           " | repaired (of fixable) | repaired (of offered) | clean | clean changed | clean broken |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for name in sorted(k for k in rows if k != "total") + ["total"]:
        r = rows[name]
        label_ = "**total**" if name == "total" else name
        out.append(f"| {label_} | {r['hazards']} | {r['exempt']} | {r['offered']} | {pct(r['repaired'], r['hazards'])} | "
                   f"{pct(r['repaired_fixable'], r['fixable'])} | {pct(r['repaired_offered'], r['offered'])} | "
                   f"{r['clean']} | {r['clean_changed']} | {r['clean_broken']} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spawnsafe", help="the binary (default: the newer of target/release and target/debug)")
    ap.add_argument("--corpus", action="append", help="a corpus folder holding labels.json (repeatable)")
    ap.add_argument("--only", nargs="*", help="only programs whose path contains one of these words")
    ap.add_argument("--json", action="store_true", help="print per-program results and tallies as JSON")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    ap.add_argument("--timeout", type=float, default=12.0)
    args = ap.parse_args()
    binary = os.path.abspath(args.spawnsafe or corpus.default_binary())
    corpora = args.corpus or [corpus.OWN_CORPUS] + ([corpus.SHARED_CORPUS] if os.path.isdir(corpus.SHARED_CORPUS) else [])
    # A fixed place, so that a program prints the same paths in its fork and spawn runs.
    root = os.path.join(tempfile.gettempdir(), f"spawnsafe_fixrate_{os.getuid()}")
    report = {}
    for path in corpora:
        programs = corpus.load_programs(path)
        if args.only:
            programs = [p for p in programs if any(w in p["unit"] for w in args.only)]
        envs = corpus_envs(path)
        exempt = load_exempt(path)
        units = {p["unit"] for p in corpus.load_programs(path)}
        for unit in sorted(set(exempt) - units):
            print(f"warning: {EXEMPT} names {unit}, which {path} does not hold", file=sys.stderr)
        kinds = {p["unit"]: envs.get(os.path.basename(p["unit"])) for p in programs}
        venv_python = label.ensure_venv() if "venv" in kinds.values() else None
        where = os.path.join(root, os.path.basename(path.rstrip(os.sep)))

        def one(program):
            kind = kinds[program["unit"]]
            python = venv_python if kind == "venv" else sys.executable
            r = measure(binary, path, program, kind, python, where, args.timeout, exempt)
            mark = "repaired" if r["repaired"] else "BROKEN" if r["broken"] else "changed" if r["changed"] else "-"
            print(f"  {program['unit']:52s} {program['expect']:17s} fix={','.join(r['fix_codes']) or '-':14s} {mark}",
                  file=sys.stderr)
            return r

        with ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(one, programs))
        report[path] = {"tally": tally(results), "programs": results}
    if args.json:
        json.dump({"spawnsafe": binary, "corpora": report}, sys.stdout, indent=1)
        print()
        return
    for path, data in report.items():
        print(f"## {os.path.relpath(path, corpus.REPO)}\n")
        print(table(data["tally"]))
        print()


if __name__ == "__main__":
    main()
