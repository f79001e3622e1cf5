#!/usr/bin/env python3
"""spawnsafe performance benchmark (stdlib only, Python 3.11+).

Compares, on the same corpus and in the same run:
  (a) spawnsafe check --output-format concise --exit-zero --quiet CORPUS
  (b) ruff check --no-cache --isolated --select E9 --exit-zero --quiet CORPUS
      (parse-only Ruff: the nearest "same work" baseline)
  (c) a plain reader (find | xargs cat > /dev/null): the I/O lower bound.

Setup is idempotent and cached under bench/.venv, bench/wheels, bench/corpus
(and bench/corpus-xN for --scale). See bench/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field, asdict
from pathlib import Path

# --------------------------------------------------------------------------
# Pinned inputs. Change them together with README.md.
# --------------------------------------------------------------------------
RUFF_VERSION = "0.17.6"

# (corpus directory name, pip requirement, wheel platform, sha256 of the wheel).
# Most are pure-Python wheels (py3-none-any); mypy also ships mypyc-compiled
# wheels, so the download is forced to platform "any" to get the pure one.
# scipy and scikit-learn ship only compiled wheels: the CPython 3.11 manylinux
# x86_64 wheel is downloaded on any machine, and only its .py files are used.
# The sha256 pins the exact file (pip download is checked against it).
MANYLINUX = ["manylinux_2_27_x86_64", "manylinux_2_28_x86_64"]
PROJECTS: list[tuple[str, str, list[str], str]] = [
    ("django", "django==5.2.19", ["any"],
     "5965d974a5218a2b68a11dd1276434707f23886525c23f0598eccedaf4f4ca00"),
    ("sympy", "sympy==1.14.0", ["any"],
     "e091cc3e99d2141a0ba2847328f5479b05d94a6635cb96148ccb3f34671bd8f5"),
    ("ansible-core", "ansible-core==2.19.14", ["any"],
     "d518d0e96fa75bedfe9b0a96d5b158aa712d092961824c115140c8677b88ff06"),
    ("mypy", "mypy==2.4.1", ["any"],
     "1784648d6ec8c2b5465e3f26241b845a0b3cb4e56c993c64abe16989e7698999"),
    ("twisted", "twisted==26.10.0", ["any"],
     "3732f42af218925a0fe78d6668db55853f7fb532245a89a2669babe7d3000fa8"),
    ("scipy", "scipy==1.17.1", MANYLINUX,
     "43af8d1f3bea642559019edfe64e9b11192a8978efbd1539d7bc2aaa23d92de4"),
    ("scikit-learn", "scikit-learn==1.9.1", MANYLINUX,
     "52a0703bbc07ad27f560fa63fa68e4c54dd735bfbbf65b4dd3c225dc7547b6df"),
]
# Pins the wheel selection independently of the interpreter running us.
PIP_PYTHON_VERSION = "3.11"

BENCH_DIR = Path(__file__).resolve().parent
VENV_DIR = BENCH_DIR / ".venv"
WHEELS_DIR = BENCH_DIR / "wheels"
CORPUS_DIR = BENCH_DIR / "corpus"
STAMP_NAME = ".bench-stamp.json"  # not a .py file: invisible to the tools


class BenchError(Exception):
    """A setup or measurement failure with a message meant for the user."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def rel(p: Path) -> str:
    try:
        return str(p.relative_to(BENCH_DIR.parent))
    except ValueError:
        return str(p)


# --------------------------------------------------------------------------
# Setup
# --------------------------------------------------------------------------
def venv_python() -> Path:
    return VENV_DIR / "bin" / "python"


def ruff_bin() -> Path:
    return VENV_DIR / "bin" / "ruff"


def run_checked(cmd: list[str], what: str, *, stream: bool = False) -> str:
    """Run a setup command; on failure raise BenchError with its output."""
    log(f"[setup] {what}: {' '.join(cmd)}")
    try:
        proc = subprocess.run(
            cmd,
            stdout=None if stream else subprocess.PIPE,
            stderr=subprocess.STDOUT if not stream else None,
            text=True,
        )
    except OSError as e:
        raise BenchError(f"{what} failed to start: {e}") from e
    if proc.returncode != 0:
        out = (proc.stdout or "").strip()
        tail = "\n".join(
            ln if len(ln) <= 400 else ln[:400] + " ..." for ln in out.splitlines()[-30:])
        raise BenchError(
            f"{what} failed (exit {proc.returncode}).\n"
            f"command: {' '.join(cmd)}\n{tail}"
        )
    return proc.stdout or ""


def ensure_venv_and_ruff() -> str:
    """Create bench/.venv and install the pinned Ruff into it (idempotent)."""
    if not venv_python().exists():
        run_checked([sys.executable, "-m", "venv", str(VENV_DIR)], "create venv")
    have = None
    if ruff_bin().exists():
        try:
            out = subprocess.run(
                [str(ruff_bin()), "--version"], capture_output=True, text=True
            ).stdout.strip()
            have = out.split()[-1] if out else None
        except OSError:
            have = None
    if have != RUFF_VERSION:
        run_checked(
            [
                str(venv_python()), "-m", "pip", "install",
                "--disable-pip-version-check", "--no-input", "-q",
                f"ruff=={RUFF_VERSION}",
            ],
            f"pip install ruff=={RUFF_VERSION}",
            stream=True,
        )
    out = subprocess.run(
        [str(ruff_bin()), "--version"], capture_output=True, text=True
    ).stdout.strip()
    if not out.endswith(RUFF_VERSION):
        raise BenchError(f"expected ruff {RUFF_VERSION} in {VENV_DIR}, got {out!r}")
    log(f"[setup] {out} ready in {rel(VENV_DIR)}")
    return out


def wheel_norm(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def find_wheel(req: str, platforms: list[str]) -> Path | None:
    name, version = req.split("==")
    prefix = f"{wheel_norm(name)}-{version}-"
    for w in sorted(WHEELS_DIR.glob("*.whl")):
        if not w.name.lower().startswith(prefix):
            continue
        tags = w.name[:-len(".whl")].split("-")[-1].split(".")
        if any(p in tags for p in platforms):
            return w
    return None


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ensure_wheels() -> dict[str, Path]:
    WHEELS_DIR.mkdir(parents=True, exist_ok=True)
    pip_py = venv_python() if venv_python().exists() else Path(sys.executable)
    wheels = {}
    for project, req, platforms, want_sha in PROJECTS:
        w = find_wheel(req, platforms)
        if w is None:
            log(f"[setup] downloading {req} ({'/'.join(platforms)} wheel) into {rel(WHEELS_DIR)}")
            run_checked(
                [
                    str(pip_py), "-m", "pip", "download",
                    "--disable-pip-version-check", "--no-input",
                    "--no-deps", "--only-binary", ":all:",
                    "--python-version", PIP_PYTHON_VERSION,
                    *(arg for p in platforms for arg in ("--platform", p)),
                    "-d", str(WHEELS_DIR), req,
                ],
                f"pip download {req}",
            )
            w = find_wheel(req, platforms)
            if w is None:
                raise BenchError(
                    f"pip download {req} succeeded but no matching wheel "
                    f"({wheel_norm(req.split('==')[0])}-{req.split('==')[1]}-*-"
                    f"{'|'.join(platforms)}.whl) is in {WHEELS_DIR}"
                )
            got_sha = sha256(w)
            if got_sha != want_sha:
                w.unlink()
                raise BenchError(f"{w.name} has sha256 {got_sha}, expected {want_sha} "
                                 "(deleted; the pin in bench.py is wrong or PyPI changed)")
            log(f"[setup] saved {w.name} ({w.stat().st_size / 1e6:.1f} MB)")
        wheels[project] = w
    return wheels


def extract_corpus(wheels: dict[str, Path]) -> dict[str, dict]:
    """Extract only the .py files of each wheel into corpus/<project>/ (idempotent)."""
    CORPUS_DIR.mkdir(parents=True, exist_ok=True)
    info = {}
    for project, req, _platforms, want_sha in PROJECTS:
        w = wheels[project]
        dest = CORPUS_DIR / project
        stamp = CORPUS_DIR / f".{project}{STAMP_NAME}"
        want = {"wheel": w.name, "size": w.stat().st_size, "sha256": want_sha}
        if dest.is_dir() and stamp.exists():
            try:
                got = json.loads(stamp.read_text())
            except (OSError, ValueError):
                got = {}
            if {k: got.get(k) for k in want} == want:
                info[project] = {"requirement": req, **got}
                continue
        if dest.exists():
            shutil.rmtree(dest)
        log(f"[setup] extracting .py files of {w.name} into {rel(dest)}")
        n = size = 0
        try:
            with zipfile.ZipFile(w) as z:
                for zi in z.infolist():
                    name = zi.filename
                    if zi.is_dir() or not name.endswith(".py"):
                        continue
                    parts = Path(name).parts
                    if name.startswith("/") or ".." in parts:
                        raise BenchError(f"unsafe path {name!r} in {w.name}")
                    out = dest.joinpath(*parts)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(zi) as src, open(out, "wb") as dst:
                        shutil.copyfileobj(src, dst)
                    n += 1
                    size += zi.file_size
        except zipfile.BadZipFile as e:
            raise BenchError(f"{w} is not a valid wheel ({e}); delete it and rerun") from e
        got_sha = sha256(w)
        if got_sha != want_sha:
            raise BenchError(f"{w} has sha256 {got_sha}, expected {want_sha}; delete it and rerun")
        meta = {**want, "py_files": n, "py_bytes": size}
        stamp.write_text(json.dumps(meta, indent=1))
        info[project] = {"requirement": req, **meta}
    return info


def scan_tree(root: Path) -> tuple[int, int]:
    """(number of .py files, total bytes) under root."""
    n = b = 0
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            if f.endswith(".py"):
                n += 1
                b += os.stat(os.path.join(dirpath, f)).st_size
    return n, b


def ensure_scaled_corpus(factor: int, mode: str) -> Path:
    """bench/corpus-x<factor>/cNN/<project>/... : `factor` copies of the corpus.

    mode "link": hard links (distinct paths, same inodes; no extra disk).
    mode "copy": real byte copies.
    """
    if factor == 1:
        return CORPUS_DIR
    dest = BENCH_DIR / f"corpus-x{factor}"
    stamp = dest / STAMP_NAME
    base_files, base_bytes = scan_tree(CORPUS_DIR)
    want = {"factor": factor, "mode": mode, "base_files": base_files,
            "base_bytes": base_bytes,
            "projects": [p for p, *_ in PROJECTS]}
    if stamp.exists():
        try:
            if json.loads(stamp.read_text()) == want:
                return dest
        except (OSError, ValueError):
            pass
    if dest.exists():
        shutil.rmtree(dest)
    log(f"[setup] building {rel(dest)} ({factor} x {base_files} files, {mode})")
    t0 = time.perf_counter()
    for i in range(factor):
        for project, *_ in PROJECTS:
            src_root = CORPUS_DIR / project
            dst_root = dest / f"c{i:02d}" / project
            for dirpath, _dirs, files in os.walk(src_root):
                rp = os.path.relpath(dirpath, src_root)
                out_dir = dst_root / rp
                out_dir.mkdir(parents=True, exist_ok=True)
                for f in files:
                    s, d = os.path.join(dirpath, f), out_dir / f
                    if mode == "link":
                        try:
                            os.link(s, d)
                            continue
                        except OSError as e:
                            log(f"[setup] hard link failed ({e}); falling back to copies")
                            mode = "copy"
                    shutil.copyfile(s, d)
    want["mode"] = mode
    stamp.write_text(json.dumps(want))
    log(f"[setup] built {rel(dest)} in {time.perf_counter() - t0:.1f}s")
    return dest


# --------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------
@dataclass
class Tool:
    name: str
    argv_prefix: list[str]  # CORPUS path is appended


@dataclass
class Sample:
    wall_s: float
    cpu_s: float
    maxrss_mb: float
    out_lines: int


@dataclass
class Result:
    tool: str
    corpus: str
    files: int
    bytes: int
    command: list[str]
    samples: list[Sample] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(s.wall_s for s in self.samples)

    @property
    def min_s(self) -> float:
        return min(s.wall_s for s in self.samples)

    @property
    def median_cpu_s(self) -> float:
        return statistics.median(s.cpu_s for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.maxrss_mb for s in self.samples)

    def to_json(self) -> dict:
        d = asdict(self)
        d.update(median_s=self.median_s, min_s=self.min_s,
                 median_cpu_s=self.median_cpu_s, peak_rss_mb=self.peak_mb,
                 us_per_file=self.median_s / self.files * 1e6 if self.files else None,
                 mb_per_s=self.bytes / 1e6 / self.median_s if self.median_s else None)
        return d


def run_once(cmd: list[str]) -> Sample:
    """Run cmd; wall time and the child's own rusage (incl. its waited-for children)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        except OSError as e:
            raise BenchError(f"cannot run {cmd[0]}: {e}") from e
        _pid, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-3000:]
            raise BenchError(
                f"command failed with exit {proc.returncode}: {' '.join(cmd)}\n{tail}"
            )
        out.seek(0)
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: out.read(1 << 20), b""))
    # ru_maxrss is in KiB on Linux (bytes on macOS).
    rss_kib = ru.ru_maxrss / 1024 if sys.platform == "darwin" else ru.ru_maxrss
    return Sample(wall_s=wall, cpu_s=ru.ru_utime + ru.ru_stime,
                  maxrss_mb=rss_kib / 1024, out_lines=lines)


def measure(tools: list[Tool], corpus: Path, runs: int, label: str) -> list[Result]:
    files, nbytes = scan_tree(corpus)
    results = [Result(t.name, rel(corpus), files, nbytes, t.argv_prefix + [str(corpus)])
               for t in tools]
    ruff_seen = discovered_files([str(ruff_bin()), "check", "--isolated",
                                  "--show-files", str(corpus)])
    if ruff_seen is not None and ruff_seen != files:
        log(f"[warn] ruff discovers {ruff_seen} of the {files} .py files in {rel(corpus)}")
    log(f"[bench] {label}: {files} files, {nbytes / 1e6:.1f} MB; "
        f"1 warm-up + {runs} runs of {', '.join(t.name for t in tools)}")
    for r in results:  # warm-up: page cache, binaries, allocator
        run_once(r.command)
    for i in range(runs):  # interleaved so drift affects every tool alike
        for r in results:
            r.samples.append(run_once(r.command))
        log(f"[bench]   run {i + 1}/{runs}: " + "  ".join(
            f"{r.tool} {r.samples[-1].wall_s:.3f}s" for r in results))
    return results


def discovered_files(cmd: list[str]) -> int | None:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if p.returncode not in (0, 1):
        return None
    return sum(1 for line in p.stdout.splitlines() if line.strip().endswith(".py"))


def tool_version(cmd: list[str]) -> str | None:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (p.stdout or p.stderr).strip().splitlines()[0] if p.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return None


# --------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------
def fmt_table(headers: list[str], rows: list[list[str]], left: int = 1) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(  # noqa: E731
        c.ljust(w) if i < left else c.rjust(w)
        for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def is_spawnsafe(tool: str) -> bool:
    return tool not in ("ruff", "read")


def main_table(results: list[Result]) -> str:
    by = {r.tool: r for r in results}
    rf, rd = by.get("ruff"), by.get("read")
    rows = []
    for r in results:
        vs = lambda ref, f: (f"{f(r) / f(ref):.2f}x"  # noqa: E731
                             if ref and is_spawnsafe(r.tool) else "")
        rows.append([
            r.tool, f"{r.files}", f"{r.bytes / 1e6:.1f}", f"{r.median_s:.3f}",
            f"{r.min_s:.3f}", f"{r.median_cpu_s:.2f}", f"{r.peak_mb:.1f}",
            f"{r.median_s / r.files * 1e6:.1f}", f"{r.bytes / 1e6 / r.median_s:.0f}",
            vs(rf, lambda x: x.median_s), vs(rd, lambda x: x.median_s),
            vs(rf, lambda x: x.peak_mb),
        ])
    out = fmt_table(["tool", "files", "MB", "median s", "min s", "cpu s",
                     "peak MB", "us/file", "MB/s", "vs ruff", "vs read", "mem vs ruff"], rows)
    notes = []
    if rf and rd:
        notes.append(f"ruff/read = {rf.median_s / rd.median_s:.2f}x")
    for r in results:
        if is_spawnsafe(r.tool):
            notes.append(f"{r.tool} output lines = {r.samples[-1].out_lines}")
    return out + "\n" + "   ".join(notes)


def scale_table(scale_results: dict[int, list[Result]]) -> str:
    rows = []
    for factor, results in sorted(scale_results.items()):
        by = {r.tool: r for r in results}
        x1 = {r.tool: r for r in scale_results.get(1, [])}
        for r in results:
            ratio = ""
            if is_spawnsafe(r.tool) and "ruff" in by:
                ratio = f"{r.median_s / by['ruff'].median_s:.2f}x"
            growth = ""
            if r.tool in x1:
                growth = f"{r.median_s / x1[r.tool].median_s / factor:.2f}"
            rows.append([
                f"x{factor}", r.tool, f"{r.files}", f"{r.bytes / 1e6:.0f}",
                f"{r.median_s:.3f}", f"{r.min_s:.3f}", f"{r.peak_mb:.1f}",
                f"{r.median_s / r.files * 1e6:.1f}",
                f"{r.bytes / 1e6 / r.median_s:.0f}", ratio, growth,
            ])
    return fmt_table(["scale", "tool", "files", "MB", "median s", "min s", "peak MB",
                      "us/file", "MB/s", "vs ruff", "time/(x1*N)"], rows, left=2)


# --------------------------------------------------------------------------
def parse_scale(s: str) -> list[int]:
    try:
        vals = sorted({int(x) for x in s.split(",") if x.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"--scale wants integers like 1,4,16, got {s!r}")
    if not vals or any(v < 1 or v > 100 for v in vals):
        raise argparse.ArgumentTypeError("--scale factors must be between 1 and 100")
    return vals


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Benchmark spawnsafe against Ruff (parse only) and a plain file reader.")
    ap.add_argument("--spawnsafe", type=Path,
                    default=BENCH_DIR.parent / "target" / "release" / "spawnsafe",
                    help="spawnsafe binary (default: ../target/release/spawnsafe from bench/)")
    ap.add_argument("--baseline", type=Path, metavar="PATH",
                    help="a second spawnsafe binary measured in the same interleaved runs "
                         "(tools named base, base-all): an A/B comparison")
    ap.add_argument("--modes", default="prefilter,all", metavar="prefilter,all",
                    help="spawnsafe modes to measure: prefilter (the default check) and/or "
                         "all (--no-prefilter: every file parsed and analysed)")
    ap.add_argument("--runs", type=int, default=5,
                    help="timed runs per tool, after one warm-up (default 5); median reported")
    ap.add_argument("--scale", type=parse_scale, default=None, metavar="1,4,16",
                    help="also measure on N copies of the corpus (bench/corpus-xN)")
    ap.add_argument("--scale-runs", type=int, default=None,
                    help="timed runs per tool at each --scale size >1 (default: min(--runs, 3))")
    ap.add_argument("--copy-mode", choices=["link", "copy"], default="copy",
                    help="how --scale copies files: real copies (default) or hard links "
                         "(spawnsafe checks a hard-linked file once)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="write all results as JSON")
    ap.add_argument("--setup-only", action="store_true",
                    help="prepare venv, wheels and corpus, then stop")
    ap.add_argument("--corpus-only", action="store_true",
                    help="prepare only the wheels and bench/corpus (no ruff), then stop: "
                         "what the prefilter equivalence test needs")
    args = ap.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or any(m not in ("prefilter", "all") for m in modes):
        ap.error("--modes takes prefilter and/or all, comma-separated")
    if args.runs < 1 or (args.scale_runs is not None and args.scale_runs < 1):
        ap.error("--runs/--scale-runs must be at least 1")

    t_start = time.perf_counter()
    try:
        ss = args.spawnsafe.resolve()
        if args.corpus_only:
            extract_corpus(ensure_wheels())
            files, nbytes = scan_tree(CORPUS_DIR)
            log(f"[setup] corpus {rel(CORPUS_DIR)}: {files} .py files, {nbytes / 1e6:.1f} MB")
            return 0
        if not args.setup_only and not (ss.is_file() and os.access(ss, os.X_OK)):
            raise BenchError(
                f"spawnsafe binary not found or not executable: {ss}\n"
                "build it with `cargo build --release` in the project root, "
                "or pass --spawnsafe PATH")
        ruff_version = ensure_venv_and_ruff()
        wheels = ensure_wheels()
        projects = extract_corpus(wheels)
        if args.scale:
            for f in args.scale:
                ensure_scaled_corpus(f, args.copy_mode)
        files, nbytes = scan_tree(CORPUS_DIR)
        log(f"[setup] corpus {rel(CORPUS_DIR)}: {files} .py files, {nbytes / 1e6:.1f} MB")
        for p, meta in projects.items():
            log(f"[setup]   {meta['requirement']:<24} {meta['py_files']:>5} files "
                f"{meta['py_bytes'] / 1e6:6.1f} MB")
        if args.setup_only:
            return 0

        ss_version = tool_version([str(ss), "--version"])
        common = ["check", "--output-format", "concise", "--exit-zero", "--quiet"]
        binaries = [("spawnsafe", ss)]
        if args.baseline:
            base = args.baseline.resolve()
            if not (base.is_file() and os.access(base, os.X_OK)):
                raise BenchError(f"--baseline binary not found or not executable: {base}")
            binaries.append(("base", base))
        tools = []
        for name, binary in binaries:
            if "prefilter" in modes:
                tools.append(Tool(name, [str(binary), *common]))
            if "all" in modes:
                tools.append(Tool(f"{name}-all", [str(binary), *common, "--no-prefilter"]))
        tools += [
            Tool("ruff", [str(ruff_bin()), "check", "--no-cache", "--isolated",
                          "--select", "E9", "--exit-zero", "--quiet"]),
            Tool("read", ["sh", "-c",
                          'find "$1" -type f -name "*.py" -print0 | xargs -0 cat > /dev/null',
                          "sh"]),
        ]

        load_before = os.getloadavg()[0]
        results = measure(tools, CORPUS_DIR, args.runs, "corpus")
        print()
        print(f"spawnsafe benchmark: {files} files, {nbytes / 1e6:.1f} MB, "
              f"median of {args.runs} runs after 1 warm-up, {os.cpu_count()} CPUs")
        print(f"  spawnsafe: {ss} ({ss_version or 'version unknown'})"
              + (f"; base: {args.baseline}" if args.baseline else ""))
        print("  spawnsafe-all / base-all: the same with --no-prefilter (every file analysed)")
        print(f"  {ruff_version} (--select E9: parse only)   read: find | xargs cat")
        print(main_table(results))

        scale_results: dict[int, list[Result]] = {}
        if args.scale:
            sruns = args.scale_runs or min(args.runs, 3)
            for f in args.scale:
                if f == 1:  # same corpus: reuse the main measurement
                    scale_results[1] = results
                    continue
                scale_results[f] = measure(tools, ensure_scaled_corpus(f, args.copy_mode),
                                           sruns, f"scale x{f}")
            print()
            print(f"scaling (median of {sruns} runs, x1 = the runs above; copies are "
                  f"{'hard links' if args.copy_mode == 'link' else 'real copies'})")
            print(scale_table(scale_results))

        total = time.perf_counter() - t_start
        load_after = os.getloadavg()[0]
        print(f"\ntotal benchmark time {total:.0f}s; load average {load_before:.1f} before, "
              f"{load_after:.1f} after")
        busy = max(load_before, load_after) > 0.5 * (os.cpu_count() or 1)
        if busy:
            print("warning: the machine was busy with other work; timings are noisy "
                  "(compare min s, or rerun when idle)")
        if args.json:
            doc = {
                "schema": 1,
                "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "machine": {"platform": platform.platform(), "cpus": os.cpu_count(),
                            "busy": busy,
                            "python": sys.version.split()[0]},
                "spawnsafe": {"path": str(ss), "version": ss_version},
                "baseline": str(args.baseline) if args.baseline else None,
                "modes": modes,
                "ruff": {"version": RUFF_VERSION},
                "runs": args.runs,
                "scale_runs": (args.scale_runs or min(args.runs, 3)) if args.scale else None,
                "load_average": {"before": load_before, "after": load_after},
                "corpus": {"path": rel(CORPUS_DIR), "files": files, "bytes": nbytes,
                           "projects": projects},
                "results": [r.to_json() for r in results],
                "scale": {f"x{f}": [r.to_json() for r in rs]
                          for f, rs in scale_results.items()},
                "copy_mode": args.copy_mode if args.scale else None,
                "total_s": total,
            }
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(doc, indent=1) + "\n")
            log(f"[bench] wrote {args.json}")
    except BenchError as e:
        log(f"error: {e}")
        return 2
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
