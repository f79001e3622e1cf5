#!/usr/bin/env python3
"""Score spawnsafe on corpora of small programs labelled by CPython.

Corpora: spawnsafe's own ``tests/corpus`` (labels.json with ``programs``) and, when it exists,
the sample ``../shared/corpus/programs`` next to the repository (labels.json with ``cases``).
Each program (a file, or a folder whose entry point is main.py) is copied to a temporary
directory with the three header lines of its entry point blanked (they give the answer away;
line numbers stay) and checked on its own::

    spawnsafe check --output-format json --exit-zero --isolated <file or folder>

The torch stand-ins and the corpus' virtualenv are not in the checked folder: spawnsafe has to
know ``torch``, ``joblib``, ... by name, as it would for installed packages.

Per category and in total it prints: programs, failing / misbehaving / clean (the label),
flagged (a failing or misbehaving program with at least one finding of severity error or
warning), located (a flagged program with such a finding on a labelled line), and false alarms
(a clean program with any error or warning finding).

Usage::

    python3 bench/corpus.py [--spawnsafe PATH] [--corpus DIR ...] [--json]
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OWN_CORPUS = os.path.join(REPO, "tests", "corpus")
SHARED_CORPUS = os.path.normpath(os.path.join(REPO, "..", "shared", "corpus", "programs"))
ALARM = {"error", "warning"}
EXPECTS = ("fails-spawn", "misbehaves-spawn", "clean")


def default_binary():
    candidates = [os.path.join(REPO, "target", kind, "spawnsafe") for kind in ("release", "debug")]
    existing = [c for c in candidates if os.path.exists(c)]
    if not existing:
        sys.exit("no spawnsafe binary: run `cargo build --release -p spawnsafe` or pass --spawnsafe")
    return max(existing, key=os.path.getmtime)


def load_programs(corpus):
    """[{unit, entry, expect, category, lines: {(path relative to unit, line)}}] for a corpus."""
    with open(os.path.join(corpus, "labels.json"), encoding="utf-8") as f:
        labels = json.load(f)
    out = []
    for item in labels.get("programs") or labels.get("cases"):
        entry = item["file"]  # relative to the corpus: programs/NNN.py or cases/NNN/main.py
        folder = os.path.basename(entry) == "main.py" and os.path.isdir(os.path.join(corpus, os.path.dirname(entry)))
        unit = os.path.dirname(entry) if folder else entry
        base = unit if folder else os.path.dirname(unit)
        if "locations" in item:
            located = [(path, line) for path, line in item["locations"]]
        else:
            located = [(item["lines_file"], line) for line in item["lines"]]
        lines = {(os.path.relpath(path, base), line) for path, line in located}
        out.append({"unit": unit, "folder": folder, "entry": entry, "expect": item["expect"],
                    "category": item["category"], "lines": lines})
    return out


def stage(corpus, program, root):
    """Copy one program into root with the entry point's header blanked; return the path to check."""
    src = os.path.join(corpus, program["unit"])
    dst = os.path.join(root, os.path.basename(program["unit"]))
    if program["folder"]:
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        entry = os.path.join(dst, "main.py")
    else:
        os.makedirs(root, exist_ok=True)
        shutil.copy(src, dst)
        entry = dst
    with open(entry, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for i in range(min(3, len(lines))):
        if lines[i].startswith(("# source:", "# models:", "# expect:")):
            lines[i] = ""
    with open(entry, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    return dst


def check(binary, corpus, program, tmp):
    root = os.path.join(tmp, program["unit"].replace(os.sep, "_"))
    target = stage(corpus, program, root)
    proc = subprocess.run([binary, "check", "--output-format", "json", "--exit-zero", "--isolated", target],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"spawnsafe failed on {program['unit']} (exit {proc.returncode}):\n{proc.stderr}")
    base = target if program["folder"] else os.path.dirname(target)
    findings = []
    for d in json.loads(proc.stdout or "[]"):
        findings.append({"code": d.get("code"), "severity": d.get("severity"),
                         "file": os.path.relpath(os.path.join(base, d["filename"]) if not os.path.isabs(d["filename"]) else d["filename"], base),
                         "line": d["location"]["row"], "message": d.get("message", "")})
    return findings


def judge(program, findings):
    alarms = [f for f in findings if f["severity"] in ALARM]
    flagged = bool(alarms)
    located = any((f["file"], f["line"]) in program["lines"] for f in alarms)
    return {"flagged": flagged, "located": flagged and located,
            "false_alarm": program["expect"] == "clean" and flagged}


def score(binary, corpus, jobs):
    programs = load_programs(corpus)
    tmp = tempfile.mkdtemp(prefix="spawnsafe_corpus_")
    try:
        with ThreadPoolExecutor(jobs) as pool:
            all_findings = list(pool.map(lambda p: check(binary, corpus, p, tmp), programs))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    results = []
    for program, findings in zip(programs, all_findings):
        verdict = judge(program, findings)
        results.append({"program": program["unit"], "expect": program["expect"], "category": program["category"],
                        "labelled_lines": sorted([list(x) for x in program["lines"]]), **verdict,
                        "findings": findings})
    return results


def tally(results):
    rows = {}
    for r in results:
        for key in (r["category"], "total"):
            row = rows.setdefault(key, {"programs": 0, **dict.fromkeys(EXPECTS, 0), "flagged_failing": 0,
                                        "flagged_misbehaving": 0, "located": 0, "false_alarms": 0})
            row["programs"] += 1
            row[r["expect"]] += 1
            if r["expect"] == "fails-spawn" and r["flagged"]:
                row["flagged_failing"] += 1
            if r["expect"] == "misbehaves-spawn" and r["flagged"]:
                row["flagged_misbehaving"] += 1
            if r["expect"] != "clean" and r["located"]:
                row["located"] += 1
            row["false_alarms"] += r["false_alarm"]
    return rows


def pct(n, d):
    return f"{n}/{d} ({100 * n / d:.0f}%)" if d else "-"


def table(rows):
    out = ["| category | programs | failing | misbehaving | clean | flagged failing | flagged misbehaving"
           " | located (of flagged) | false alarms |",
           "|---|---|---|---|---|---|---|---|---|"]
    for name in sorted(k for k in rows if k != "total") + ["total"]:
        r = rows[name]
        flagged = r["flagged_failing"] + r["flagged_misbehaving"]
        label = "**total**" if name == "total" else name
        out.append(f"| {label} | {r['programs']} | {r['fails-spawn']} | {r['misbehaves-spawn']} | {r['clean']} | "
                   f"{pct(r['flagged_failing'], r['fails-spawn'])} | {pct(r['flagged_misbehaving'], r['misbehaves-spawn'])} | "
                   f"{pct(r['located'], flagged)} | {pct(r['false_alarms'], r['clean'])} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spawnsafe", help="the binary (default: the newer of target/release and target/debug)")
    ap.add_argument("--corpus", action="append", help="a corpus folder holding labels.json (repeatable)")
    ap.add_argument("--json", action="store_true", help="print per-program results and tallies as JSON")
    ap.add_argument("-j", "--jobs", type=int, default=4)
    args = ap.parse_args()
    binary = args.spawnsafe or default_binary()
    corpora = args.corpus or [OWN_CORPUS] + ([SHARED_CORPUS] if os.path.isdir(SHARED_CORPUS) else [])
    report = {}
    for corpus in corpora:
        if not os.path.exists(os.path.join(corpus, "labels.json")):
            print(f"skipping {corpus}: no labels.json", file=sys.stderr)
            continue
        results = score(binary, corpus, args.jobs)
        report[corpus] = {"tally": tally(results), "programs": results}
    if args.json:
        json.dump({"spawnsafe": binary, "corpora": report}, sys.stdout, indent=1)
        print()
        return
    for corpus, data in report.items():
        print(f"## {os.path.relpath(corpus, REPO)}\n")
        print(table(data["tally"]))
        print()


if __name__ == "__main__":
    main()
