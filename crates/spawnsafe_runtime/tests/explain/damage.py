"""Writes the damaged corpus of `spawnsafe explain`: captured CPython output
(`corpus/*.txt`, `corpus/extra/*.txt`) damaged the ways pastes are damaged
in real reports, one kind of damage per file, into
`corpus/damaged/<kind>__<case>.txt`, with `corpus/damaged/expected.txt`
carrying the source's expectation (a positive keeps its signature and rule
code; a look-alike must stay "not a start-method problem").

Deterministic: the same captured corpus gives the same files (a fixed
rotation chooses the cases of each kind; no randomness).

Usage: python3 damage.py                  (the committed sample)
       python3 damage.py --all --out DIR  (every kind on every applicable paste)
"""

import argparse

import os
import re
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
DAMAGED = os.path.join(CORPUS, "damaged")
POSITIVES_PER_KIND = 10
LOOKALIKES_PER_KIND = 6

EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Interrupt|Exit|Pool|Warning)|KeyboardInterrupt|[A-Za-z_][\w.]*Error)(: ?(.*))?$")
FRAME = re.compile(r'^  File "([^"]+)", line (\d+)(?:, in (.+))?$')


def read_expectations(directory):
    expected = {}
    with open(os.path.join(directory, "expected.txt"), encoding="utf-8") as handle:
        for line in handle:
            if line.strip() and not line.startswith("#"):
                name, *fields = line.split()
                values = dict(field.split("=", 1) for field in fields)
                expected[name[:-4]] = (values["signatures"], values["codes"])
    return expected


def sources():
    """(case, text, signatures, codes) of every captured paste."""
    found = []
    for directory in (CORPUS, os.path.join(CORPUS, "extra")):
        for case, (signatures, codes) in sorted(read_expectations(directory).items()):
            with open(os.path.join(directory, case + ".txt"), encoding="utf-8") as handle:
                found.append((case, handle.read(), signatures, codes))
    return found


def is_lookalike(signatures):
    return signatures.split(",")[0] in ("unknown", "none")


# --- kinds of damage ----------------------------------------------------------

def no_header(text, case):
    """The `Traceback (most recent call last):` lines are gone."""
    return "".join(line for line in text.splitlines(True) if "Traceback (most recent call last)" not in line)


def tail_1200(text, case):
    """What fits on a screen: the last 1,200 characters, from mid-line."""
    return text[-1200:]


def frames_only(text, case):
    """Only the frames and their source lines: no header, no exception."""
    kept = []
    for line in text.splitlines(True):
        if FRAME.match(line.rstrip("\n")) or (line.startswith("    ") and kept and not line.strip() == ""):
            kept.append(line)
    return "".join(kept)


def exception_lines(text):
    lines = text.splitlines(True)
    return [(index, match) for index, line in enumerate(lines) if (match := EXCEPTION_LINE.match(line.rstrip("\n")))]


def cut_mid_word(text, case):
    """The paste ends in the middle of the last exception's message."""
    lines = text.splitlines(True)
    found = exception_lines(text)
    if not found:
        return None
    index, match = found[-1]
    message = match.group(3) or ""
    if message.strip():
        start = sum(len(line) for line in lines[:index]) + match.start(3)
        length = len(message)
    else:
        # A message on the following lines (the bootstrapping RuntimeError).
        if index + 1 >= len(lines) or not lines[index + 1].strip():
            return None
        start = sum(len(line) for line in lines[: index + 1])
        length = len(lines[index + 1].rstrip("\n"))
    at = start + max(12, int(length * 0.6))
    # Mid-word: not on a space.
    while at < len(text) and text[at] in " \n":
        at += 1
    return text[:at]


def first_line_lost(text, case):
    """The body of a multi-line message without its `Type:` line and all above."""
    lines = text.splitlines(True)
    found = [(index, match) for index, match in exception_lines(text) if not (match.group(3) or "").strip()]
    for index, match in reversed(found):
        body = "".join(lines[index + 1:])
        if len(body.strip()) > 40 and body.startswith(" "):
            return body
    return None


def wrap80(text, case):
    """A terminal 80 columns wide, copied with its hard wraps."""
    out = []
    for line in text.splitlines():
        while len(line) > 80:
            out.append(line[:80])
            line = line[80:]
        out.append(line)
    return "\n".join(out) + "\n"


def pytest_style(text, case):
    """pytest's long format: a banner, `path:12: in f` locations under their
    `>` source lines, and the exception's block behind `E   `."""
    out = [f"{'_' * 30} test_{case} {'_' * 30}", ""]
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        frame = FRAME.match(line)
        if frame:
            source = lines[index + 1].strip() if index + 1 < len(lines) and lines[index + 1].startswith("    ") else None
            if source:
                out.append(">   " + source)
                index += 1
                while index + 1 < len(lines) and set(lines[index + 1].strip()) <= set("^~ ") and lines[index + 1].strip():
                    index += 1
            out.append(f"{frame.group(1)}:{frame.group(2)}: in {frame.group(3) or '?'}")
            index += 1
            continue
        if "Traceback (most recent call last)" in line:
            index += 1
            continue
        if EXCEPTION_LINE.match(line):
            out.append("E   " + line)
            index += 1
            while index < len(lines) and (lines[index].startswith(" ") or not lines[index].strip()) and not FRAME.match(lines[index]):
                out.append(("E   " + lines[index]).rstrip())
                index += 1
            continue
        out.append(line)
        index += 1
    return "\n".join(out) + "\n"


def markdown(text, case):
    """Pasted into an issue or a chat: quoted or fenced, and typographic quotes."""
    if len(case) % 2:
        body = "".join("> " + line if line.strip() else ">\n" for line in text.splitlines(True))
    else:
        body = "I get this error:\n\n```python\n" + text + "```\n"
    # A chat program's "smart" quotes.
    opened = [False]

    def smart(match):
        opened[0] = not opened[0]
        return "\u2018" if opened[0] else "\u2019"

    return re.sub(r"'", smart, body).replace('"', "\u201c")


def rich_wrap(text, width):
    """rich's wrapping: at spaces, and a word longer than the line folded."""
    rows, current = [], ""
    for word in text.split(" "):
        candidate = word if not current else current + " " + word
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            rows.append(current)
        while len(word) > width:
            rows.append(word[:width])
            word = word[width:]
        current = word
    if current:
        rows.append(current)
    return rows


def rich_style(text, case):
    """rich's traceback panel (as `rich.traceback.install(show_locals=True)`
    draws it at 80 columns: frames as `path:12 in f`, the location wrapped
    when long, the source line marked with `❱`, a locals panel)."""
    width = 80
    inner = width - 4

    def row(content):
        return "│ " + content[:inner].ljust(inner) + " │"

    out = []
    lines = text.splitlines()
    index = 0
    in_box = False
    while index < len(lines):
        line = lines[index]
        if "Traceback (most recent call last)" in line:
            title = " Traceback (most recent call last) "
            left = (width - 2 - len(title)) // 2
            out.append("╭" + "─" * left + title + "─" * (width - 2 - left - len(title)) + "╮")
            in_box = True
            index += 1
            continue
        frame = FRAME.match(line)
        if frame and in_box:
            location = f"{frame.group(1)}:{frame.group(2)} in {frame.group(3) or '?'}"
            for part in rich_wrap(location, inner):
                out.append(row(part))
            out.append(row(""))
            if index + 1 < len(lines) and lines[index + 1].startswith("    "):
                out.append(row(f"❱ {frame.group(2)} " + lines[index + 1].strip()))
                index += 1
            out.append(row(""))
            out.append("│ ╭" + "─" * 30 + " locals " + "─" * (inner - 42) + "╮ │")
            out.append("│ │ " + "self = <object at 0x7f0000000000>".ljust(inner - 4) + " │ │")
            out.append("│ ╰" + "─" * (inner - 4) + "╯ │")
            out.append(row(""))
            index += 1
            while index < len(lines) and set(lines[index].strip()) <= set("^~ ") and lines[index].strip():
                index += 1
            continue
        if in_box and (EXCEPTION_LINE.match(line) or not line.startswith(" ")):
            out.append("╰" + "─" * (width - 2) + "╯")
            in_box = False
        if not in_box:
            out.append(line)
        index += 1
    if in_box:
        out.append("╰" + "─" * (width - 2) + "╯")
    return "\n".join(out) + "\n"


def log_embedded(text, case):
    """A logger that printed the exception on one line, between other log lines."""
    # The failure itself, not the `BrokenProcessPool` or re-raise it led to.
    found = [(index, match) for index, match in exception_lines(text)
             if not match.group(1).endswith(("RemoteTraceback", "BrokenProcessPool"))]
    if not found:
        return None
    lines = text.splitlines(True)
    index, match = found[0]
    type_name = match.group(1).rsplit(".", 1)[-1]
    message = (match.group(3) or "").strip()
    if not message:
        message = " ".join("".join(lines[index + 1:index + 4]).split())
    if len(case) % 2:
        event = f"2026-12-07 10:00:01,204 ERROR jobs.runner: task 3 raised <class '{type_name}'> exception: {message}"
    else:
        event = f"[2026-12-07 10:00:01,204: ERROR/MainProcess] Task jobs.run[3f2a] raised unexpected: {type_name}({message!r})"
    return (
        "2026-12-07 10:00:00,112 INFO jobs.runner: starting 4 tasks\n"
        + event + "\n"
        + "2026-12-07 10:00:01,209 INFO jobs.runner: 3 tasks left\n"
    )


def interleaved(text, case):
    """Two children writing the same traceback to one stderr at once."""
    lines = text.splitlines(True)
    start = next((i for i, line in enumerate(lines) if line.startswith("Process ") or "Traceback (most" in line), None)
    found = exception_lines(text)
    if start is None or not found:
        return None
    end = next((index for index, _ in found if index > start), None)
    if end is None:
        return None
    block = lines[start:end + 1]
    other = [line.replace("Process-1", "Process-2").replace("Worker-1", "Worker-2") for line in block]
    mixed = []
    for ours, theirs in zip(block, other):
        mixed.append(ours)
        mixed.append(theirs)
    return "".join(lines[:start] + mixed + lines[end + 1:])


WINDOWS_STDLIB = "C:\\Users\\dev\\AppData\\Local\\Programs\\Python\\Python311\\Lib\\"


def windows_paths(text, case):
    """The same failure as Windows prints it: backslashes, a drive, spawn's win32 popen."""
    text = text.replace('popen_spawn_posix.py", line 47, in _launch', 'popen_spawn_win32.py", line 95, in __init__')

    def convert(match):
        path = match.group(1)
        path = re.sub(r"^/root/\.pyenv/versions/[\d.]+/lib/python3\.\d+/", lambda _: WINDOWS_STDLIB, path)
        path = path.replace("/home/dev/", "C:\\Users\\dev\\")
        return 'File "' + path.replace("/", "\\") + '"'

    text = re.sub(r'File "([^"]+)"', convert, text)
    text = text.replace("from '/home/dev/", "from 'C:\\\\Users\\\\dev\\\\")
    return text.replace("\n", "\r\n")


def ansi(text, case):
    """Python 3.13's coloured traceback."""
    out = []
    for line in text.splitlines():
        frame = FRAME.match(line)
        match = EXCEPTION_LINE.match(line)
        if frame:
            line = f'  File \x1b[35m"{frame.group(1)}"\x1b[0m, line \x1b[35m{frame.group(2)}\x1b[0m, in \x1b[35m{frame.group(3)}\x1b[0m'
        elif match:
            message = match.group(3) or ""
            line = f"\x1b[1;35m{match.group(1)}\x1b[0m: \x1b[35m{message}\x1b[0m"
        elif set(line.strip()) <= set("^~") and line.strip():
            line = "\x1b[1;31m" + line + "\x1b[0m"
        out.append(line)
    return "\n".join(out) + "\n"


def timestamps(text, case):
    """A CI log: GitHub Actions' timestamp before every line."""
    return "".join(
        f"2026-12-07T10:00:{index % 60:02d}.{index:07d}Z {line}"
        for index, line in enumerate(text.splitlines(True))
    )


KINDS = [
    ("no-header", no_header, None),
    ("tail-1200", tail_1200, None),
    ("frames-only", frames_only, "frames"),
    ("cut-mid-word", cut_mid_word, None),
    ("first-line-lost", first_line_lost, "bootstrapping"),
    ("wrap-80", wrap80, None),
    ("pytest", pytest_style, None),
    ("markdown", markdown, None),
    ("rich", rich_style, None),
    ("log-embedded", log_embedded, "one-line"),
    ("interleaved", interleaved, None),
    ("windows", windows_paths, None),
    ("ansi", ansi, None),
    ("timestamps", timestamps, None),
]

# Frames alone decide these: the frame that raises the exception says which.
DECIDED_BY_FRAMES = ("bootstrapping", "context-already-set", "daemonic-children")


def applicable(restriction, case, text, signatures, codes):
    first = signatures.split(",")[0]
    if restriction == "frames":
        return is_lookalike(signatures) or first in DECIDED_BY_FRAMES or (
            first == "unpicklable-object" and "_launch" in text)
    if restriction == "bootstrapping":
        return is_lookalike(signatures) or first == "bootstrapping"
    if restriction == "one-line":
        # A logger shows `str(exception)`: the frames, and the wording of
        # messages that name the object (a class defined in the guard, a
        # global), go; the catalogue's fixed messages stay.
        return is_lookalike(signatures) or first in (
            "bootstrapping", "context-already-set", "daemonic-children", "shared-through-inheritance",
            "unpicklable-callable", "no-fork-context", "semlock-context-mix", "missing-in-mp-main")
    return True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--all", action="store_true", help="every kind on every applicable paste")
    parser.add_argument("--out", default=DAMAGED)
    options = parser.parse_args()
    out_dir = options.out
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    all_sources = sources()
    positives = [s for s in all_sources if not is_lookalike(s[2])]
    lookalikes = [s for s in all_sources if is_lookalike(s[2])]
    lines = []
    for number, (kind, damage, restriction) in enumerate(KINDS):
        for pool, count in ((positives, POSITIVES_PER_KIND), (lookalikes, LOOKALIKES_PER_KIND)):
            if options.all:
                count = len(pool)
            chosen = 0
            # A rotation through the pool, so that every case is damaged by some kind.
            for offset in range(len(pool)):
                if chosen == count:
                    break
                case, text, signatures, codes = pool[(number * count + offset) % len(pool)]
                if not applicable(restriction, case, text, signatures, codes):
                    continue
                damaged = damage(text, case)
                if not damaged or not damaged.strip():
                    continue
                name = f"{kind}__{case}"
                with open(os.path.join(out_dir, name + ".txt"), "w", encoding="utf-8", newline="") as handle:
                    handle.write(damaged)
                lines.append(f"{name}.txt kind={kind} signatures={signatures} codes={codes}")
                chosen += 1
    with open(os.path.join(out_dir, "expected.txt"), "w", encoding="utf-8") as handle:
        handle.write("# Written by damage.py: each file is a captured paste damaged one way (kind), and\n"
                     "# keeps the expectation of its source (corpus/ or corpus/extra/).\n")
        handle.write("\n".join(sorted(lines)) + "\n")
    print(f"{len(lines)} damaged pastes in {len(KINDS)} kinds")


if __name__ == "__main__":
    main()
