#!/usr/bin/env python3
"""spawnsafe precision check on real code (stdlib only, Python 3.11+).

Downloads pinned pure-Python wheels of real projects whose multiprocessing
code runs under the spawn start method in their own Windows/macOS CI, extracts
their .py files into bench/precision-corpus/<project>/, runs

    spawnsafe check --output-format json --isolated --select ALL --exit-zero CORPUS

and prints, per project, the number of files and of findings per severity and
per rule code. Every error-level finding (and, for information, every
warning-level one) is printed with its verdict from bench/precision-triage.json
(a committed, hand-made triage file), or UNTRIAGED.

Exit status: 0 when every error-level finding is triaged as a true positive;
1 when an error-level finding is untriaged or triaged as a false positive
(so the script can gate a CI job); 2 on a setup or tool failure.

See bench/PRECISION.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------
# Pinned inputs. Change them together with PRECISION.md.
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    name: str  # corpus directory name
    requirement: str  # exact pip pin
    # Paths (relative to the project's corpus directory, as in the wheel) left
    # out of the corpus, each with the reason. Only code that *deliberately*
    # fails under spawn (a test fixture whose purpose is to fail) belongs here.
    exclude: dict[str, str] = field(default_factory=dict)


PROJECTS: list[Project] = [
    # Process-pool libraries tested under spawn on Windows/macOS CI.
    Project("joblib", "joblib==1.6.0"),
    Project("loky", "loky==3.7.0"),
    Project("pebble", "pebble==5.2.3"),
    Project("mpire", "mpire==2.10.2"),
    Project("pytest-xdist", "pytest-xdist==3.8.0"),
    Project("execnet", "execnet==2.1.2"),
    # Heavy multiprocessing users / multiprocessing forks.
    Project(
        "multiprocess",
        "multiprocess==0.70.19",
        exclude={
            "multiprocess/tests/mp_fork_bomb.py": (
                "CPython's deliberate fork bomb: an unguarded Process.start() at "
                "module level; test_multiprocessing_main_handling-style tests run "
                "it under spawn and assert that it FAILS with the bootstrapping "
                "RuntimeError"
            ),
        },
    ),
    Project("pathos", "pathos==0.3.5"),
    Project("billiard", "billiard==4.3.2"),
    Project("celery", "celery==5.7.0"),
    Project("tqdm", "tqdm==4.70.1"),
    Project("dask", "dask==2026.8.0"),
    Project("distributed", "distributed==2026.8.0"),
    Project("gunicorn", "gunicorn==27.0.1"),
    Project("aiomultiprocess", "aiomultiprocess==0.9.1"),
    Project("schwimmbad", "schwimmbad==0.4.2"),
    Project("dill", "dill==0.4.1"),
    Project("parsl", "parsl==2026.10.26"),
    Project("luigi", "luigi==3.8.1"),
    # Servers that start worker processes with an explicit spawn context.
    Project("uvicorn", "uvicorn==0.54.0"),
    Project("hypercorn", "hypercorn==0.18.0"),
    # Developer tools with a process-parallel mode (Windows users run them daily).
    Project("black", "black==26.10.1"),
    Project("flake8", "flake8==7.5.0"),
    Project("pylint", "pylint==4.1.4"),
    Project("coverage", "coverage==7.17.4"),
    Project("sphinx", "sphinx==9.0.4"),
    # Scientific / ML code with process pools (data loading, sampling, map).
    Project("datasets", "datasets==5.2.0"),
    Project("lightning", "lightning==2.6.6"),
    Project("accelerate", "accelerate==1.15.0"),
    Project("keras", "keras==3.15.1"),
    Project("transformers", "transformers==5.24.0"),
    Project("sentence-transformers", "sentence-transformers==6.2.0"),
    Project("emcee", "emcee==3.1.6"),
    Project("pymc", "pymc==5.28.5"),
    Project("optuna", "optuna==5.0.0"),
    Project("salib", "SALib==1.6.0"),
    Project("torch-geometric", "torch-geometric==2.8.1"),
    Project("nipype", "nipype==1.11.0"),
    Project("ipyparallel", "ipyparallel==9.2.0"),
    Project("parmap", "parmap==1.7.0"),
    Project("pqdm", "pqdm==0.2.0"),
]

# Pins the wheel selection independently of the interpreter running us.
PIP_DOWNLOAD = [
    "download", "--disable-pip-version-check", "--no-input", "--no-deps",
    "--only-binary", ":all:", "--python-version", "3.11", "--platform", "any",
]

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WHEELS_DIR = BENCH_DIR / "precision-wheels"
CORPUS_DIR = BENCH_DIR / "precision-corpus"
TRIAGE_FILE = BENCH_DIR / "precision-triage.json"
STAMP_NAME = ".precision-stamp.json"  # not a .py file: invisible to spawnsafe
SEVERITIES = ("error", "warning", "info")
VERDICTS = ("true-positive", "false-positive")


class SetupError(Exception):
    """A setup or tool failure with a message meant for the user."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Setup: wheels and corpus
# --------------------------------------------------------------------------
def wheel_norm(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def find_wheel(req: str) -> Path | None:
    name, version = req.split("==")
    prefix = f"{wheel_norm(name)}-{version}-"
    for w in sorted(WHEELS_DIR.glob("*.whl")):
        if w.name.lower().startswith(prefix):
            return w
    return None


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ensure_wheels() -> dict[str, Path]:
    WHEELS_DIR.mkdir(parents=True, exist_ok=True)
    wheels: dict[str, Path] = {}
    for p in PROJECTS:
        w = find_wheel(p.requirement)
        if w is None:
            log(f"[setup] pip download {p.requirement}")
            cmd = [sys.executable, "-m", "pip", *PIP_DOWNLOAD, "-d", str(WHEELS_DIR), p.requirement]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                raise SetupError(f"pip download {p.requirement} failed:\n{r.stderr.strip()}")
            w = find_wheel(p.requirement)
            if w is None:
                raise SetupError(f"pip download {p.requirement} succeeded but no wheel was found in {WHEELS_DIR}")
        wheels[p.name] = w
    return wheels


def extract_corpus(wheels: dict[str, Path]) -> None:
    CORPUS_DIR.mkdir(parents=True, exist_ok=True)
    wanted = {p.name for p in PROJECTS}
    for stale in CORPUS_DIR.iterdir():
        if stale.is_dir() and stale.name not in wanted:
            log(f"[setup] removing {stale.name} (no longer pinned)")
            shutil.rmtree(stale)
    for p in PROJECTS:
        wheel = wheels[p.name]
        dest = CORPUS_DIR / p.name
        stamp = {"wheel": wheel.name, "sha256": sha256(wheel), "exclude": sorted(p.exclude)}
        stamp_path = dest / STAMP_NAME
        try:
            if json.loads(stamp_path.read_text()) == stamp:
                continue
        except (OSError, ValueError):
            pass
        log(f"[setup] extracting {wheel.name} -> {dest.relative_to(ROOT)}")
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        seen_excludes: set[str] = set()
        try:
            with zipfile.ZipFile(wheel) as z:
                for info in z.infolist():
                    if info.is_dir() or not info.filename.endswith(".py"):
                        continue
                    if info.filename in p.exclude:
                        seen_excludes.add(info.filename)
                        continue
                    target = dest / info.filename
                    if not target.resolve().is_relative_to(dest.resolve()):
                        raise SetupError(f"{wheel.name}: unsafe member path {info.filename!r}")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(z.read(info))
        except zipfile.BadZipFile as e:
            raise SetupError(f"{wheel}: {e} (delete it and rerun)") from e
        missing = set(p.exclude) - seen_excludes
        if missing:
            raise SetupError(f"{p.name}: excluded paths not in the wheel: {sorted(missing)}")
        stamp_path.write_text(json.dumps(stamp, indent=1) + "\n")


def count_files(root: Path) -> int:
    return sum(1 for _ in root.rglob("*.py"))


# --------------------------------------------------------------------------
# Running spawnsafe
# --------------------------------------------------------------------------
def default_binary() -> Path | None:
    """The newest built binary: the release and debug builds are rebuilt at
    different times, and the newer one knows the current rule set."""
    candidates = [ROOT / "target" / kind / "spawnsafe" for kind in ("release", "debug")]
    existing = [c for c in candidates if c.is_file()]
    if not existing:
        return None
    return max(existing, key=lambda c: c.stat().st_mtime)


def run_spawnsafe(binary: Path) -> list[dict]:
    cmd = [
        str(binary), "check", "--output-format", "json", "--isolated",
        "--select", "ALL", "--exit-zero", str(CORPUS_DIR),
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        raise SetupError(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stderr.strip()}")
    try:
        findings = json.loads(r.stdout)
    except ValueError as e:
        raise SetupError(f"spawnsafe did not print JSON: {e}\n{r.stdout[:500]}") from e
    if not isinstance(findings, list):
        raise SetupError("spawnsafe JSON output is not a list")
    return findings


# --------------------------------------------------------------------------
# Findings and triage
# --------------------------------------------------------------------------
@dataclass
class Finding:
    project: str
    relpath: str  # relative to the project's corpus directory
    row: int
    column: int
    code: str
    severity: str
    message: str
    text: str  # the source line, stripped
    related: list[dict]

    @property
    def key(self) -> str:
        return triage_key(self.project, self.relpath, self.code, self.text)


def triage_key(project: str, relpath: str, code: str, text: str) -> str:
    return f"{project} | {relpath} | {code} | {text}"


_line_cache: dict[Path, list[str]] = {}


def source_line(path: Path, row: int) -> str:
    lines = _line_cache.get(path)
    if lines is None:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            lines = []
        _line_cache[path] = lines
    return lines[row - 1].strip() if 0 < row <= len(lines) else ""


def to_finding(raw: dict) -> Finding:
    path = Path(raw["filename"])
    if not path.is_absolute():
        path = ROOT / path
    rel = path.resolve().relative_to(CORPUS_DIR.resolve())
    project, relpath = rel.parts[0], Path(*rel.parts[1:]).as_posix()
    row = int(raw["location"]["row"])
    return Finding(
        project=project,
        relpath=relpath,
        row=row,
        column=int(raw["location"]["column"]),
        code=raw["code"],
        severity=raw["severity"],
        message=raw["message"],
        text=source_line(path, row),
        related=raw.get("related") or [],
    )


def load_triage(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise SetupError(f"{path}: not valid JSON: {e}") from e
    if not isinstance(data, dict):
        raise SetupError(f"{path}: expected a JSON object mapping finding keys to verdicts")
    for key, entry in data.items():
        if key.startswith("_"):  # comments
            continue
        if len(key.split(" | ", 3)) != 4:
            raise SetupError(f"{path}: malformed key {key!r} (want 'project | path | code | line text')")
        if not isinstance(entry, dict) or entry.get("verdict") not in VERDICTS or not entry.get("reason"):
            raise SetupError(f"{path}: entry {key!r} needs a verdict in {VERDICTS} and a reason")
    return {k: v for k, v in data.items() if not k.startswith("_")}


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------
def print_table(findings: list[Finding], files: dict[str, int]) -> None:
    by_project: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_project[f.project].append(f)
    codes = sorted({f.code for f in findings})
    header = ["project", "files", *SEVERITIES, "total", *codes]
    rows: list[list[str]] = []

    def row_for(name: str, nfiles: int, fs: list[Finding]) -> list[str]:
        sev = Counter(f.severity for f in fs)
        cod = Counter(f.code for f in fs)
        return [name, str(nfiles), *(str(sev[s]) for s in SEVERITIES), str(len(fs)),
                *(str(cod[c]) if cod[c] else "." for c in codes)]

    for p in PROJECTS:
        rows.append(row_for(p.name, files.get(p.name, 0), by_project.get(p.name, [])))
    rows.append(row_for("TOTAL", sum(files.values()), findings))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(r: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))

    print(fmt(header))
    print("  ".join("-" * w for w in widths))
    for r in rows[:-1]:
        print(fmt(r))
    print("  ".join("-" * w for w in widths))
    print(fmt(rows[-1]))


def print_verdicts(findings: list[Finding], triage: dict[str, dict], severity: str) -> Counter:
    chosen = sorted((f for f in findings if f.severity == severity),
                    key=lambda f: (f.project, f.relpath, f.row, f.column, f.code))
    tally: Counter = Counter()
    print(f"\n{severity}-level findings ({len(chosen)}):")
    for f in chosen:
        entry = triage.get(f.key)
        verdict = entry["verdict"] if entry else "UNTRIAGED"
        tally[verdict] += 1
        print(f"  [{verdict}] {f.project}/{f.relpath}:{f.row}:{f.column} {f.code}: {f.text}")
        if entry:
            print(f"      reason: {entry['reason']}")
        else:
            print(f"      message: {f.message}")
            for rel in f.related:
                loc = rel.get("location") or {}
                print(f"      related: {rel.get('filename')}:{loc.get('row')}: {rel.get('message')}")
    return tally


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--spawnsafe", type=Path, help="the binary (default: the newer of target/release and target/debug)")
    ap.add_argument("--triage", type=Path, default=TRIAGE_FILE, help="the triage file (default: %(default)s)")
    ap.add_argument("--json", type=Path, help="also write the findings, with their keys and verdicts, to this file")
    ap.add_argument("--setup-only", action="store_true", help="only download wheels and extract the corpus")
    ap.add_argument("--no-warnings", action="store_true", help="do not list warning-level findings")
    args = ap.parse_args()

    try:
        extract_corpus(ensure_wheels())
        if args.setup_only:
            return 0
        binary = args.spawnsafe or default_binary()
        if binary is None or not binary.is_file():
            raise SetupError("no spawnsafe binary: build it (cargo build --release) or pass --spawnsafe PATH")
        version = subprocess.run([str(binary), "--version"], capture_output=True, text=True).stdout.strip()
        log(f"[run] {binary} ({version})")
        findings = [to_finding(raw) for raw in run_spawnsafe(binary)]
        triage = load_triage(args.triage)
    except SetupError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2

    files = {p.name: count_files(CORPUS_DIR / p.name) for p in PROJECTS}
    print_table(findings, files)

    errors = print_verdicts(findings, triage, "error")
    if not args.no_warnings:
        warnings = print_verdicts(findings, triage, "warning")
    else:
        warnings = Counter()

    live_keys = {f.key for f in findings}
    stale = sorted(k for k in triage if k not in live_keys)
    if stale:
        print(f"\ntriage entries matching no current finding ({len(stale)}; the code or the rules changed):")
        for k in stale:
            print(f"  {k}")

    if args.json:
        args.json.write_text(json.dumps([
            {**f.__dict__, "key": f.key, "verdict": (triage.get(f.key) or {}).get("verdict")}
            for f in findings
        ], indent=1) + "\n")

    print("\nsummary: "
          f"{len(findings)} findings in {sum(files.values())} files; "
          f"error-level: {errors['true-positive']} true positive, {errors['false-positive']} false positive, "
          f"{errors['UNTRIAGED']} untriaged; warning-level: {warnings['true-positive']} true positive, "
          f"{warnings['false-positive']} false positive, {warnings['UNTRIAGED']} untriaged")
    if errors["false-positive"] or errors["UNTRIAGED"]:
        print("FAIL: error-level findings that are false positives or untriaged")
        return 1
    print("OK: every error-level finding is a triaged true positive")
    return 0


if __name__ == "__main__":
    sys.exit(main())
