#!/usr/bin/env python3
"""Times a keystroke in `spawnsafe server` on a generated 5,000-file project.

The project: 50 packages of 100 modules (one module in ten defines a function
that starts a pool; the others import a sibling and define plain functions),
and an open `main.py` that calls one of the pool functions at import time, so
its SPS101 comes from another module. The script starts the server, opens
`main.py`, then sends edits (one character typed into a comment, alternately
in `main.py` and in the pool module it imports) and measures the time from
each `didChange` to the `publishDiagnostics` answering it.

    python3 bench/lsp_keystroke.py [--spawnsafe target/release/spawnsafe] [--keystrokes 20]

Prints the median, the range and the time to open; `--json` prints them as JSON.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import queue
import time
from pathlib import Path

PACKAGES = 50
MODULES = 100

POOL_MODULE = '''"""Module {package}.{module}: starts a pool when its function is called."""
import multiprocessing


def square(value):
    return value * value


def run_{package}_{module}(values):
    with multiprocessing.Pool(2) as pool:
        return pool.map(square, values)
'''

PLAIN_MODULE = '''"""Module {package}.{module}: plain functions."""
from . import {sibling}


def helper_{module}(value):
    return value + {index}


def twice_{module}(value):
    return helper_{module}(helper_{module}(value))
'''

MAIN = '''"""Entry script: calls a pool function at import time (SPS101)."""
from pkg_{package} import mod_{module}

# note
print(mod_{module}.run_{package}_{module}([1, 2, 3]))
'''


def generate(root: Path) -> Path:
    for package in range(PACKAGES):
        directory = root / f"pkg_{package}"
        directory.mkdir()
        (directory / "__init__.py").write_text("")
        for module in range(MODULES):
            if module % 10 == 0:
                text = POOL_MODULE.format(package=package, module=module)
            else:
                text = PLAIN_MODULE.format(
                    package=package, module=module, sibling=f"mod_{module - 1}", index=module
                )
            (directory / f"mod_{module}.py").write_text(text)
    main = root / "main.py"
    main.write_text(MAIN.format(package=7, module=30))
    return main


class Server:
    def __init__(self, command):
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.messages = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_id = 1

    def _read(self):
        stream = self.process.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait(self, matches, timeout=600):
        deadline = time.monotonic() + timeout
        while True:
            message = self.messages.get(timeout=max(0.0, deadline - time.monotonic()))
            if matches(message):
                return message

    def close(self):
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=60)


def published(uri, version):
    return (
        lambda m: m.get("method") == "textDocument/publishDiagnostics"
        and m["params"]["uri"] == uri
        and m["params"].get("version") == version
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spawnsafe", default="target/release/spawnsafe")
    parser.add_argument("--keystrokes", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.spawnsafe)
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory).resolve()
        main_path = generate(root)
        files = sum(1 for _ in root.rglob("*.py"))
        imported = root / "pkg_7" / "mod_30.py"
        server = Server([binary, "server"])
        server.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": "bench"}],
                # As VS Code and Neovim say: the server may ask to be told of changed files.
                "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}},
            },
        )
        server.notify("initialized", {})
        registration = server.wait(lambda m: m.get("method") == "client/registerCapability")
        server.send({"jsonrpc": "2.0", "id": registration["id"], "result": None})
        documents = {}
        opened = time.perf_counter()
        for path in (main_path, imported):
            uri = path.as_uri()
            documents[uri] = path.read_text()
            server.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": documents[uri]}},
            )
            first = server.wait(published(uri, 1))
            if path == main_path:
                open_seconds = time.perf_counter() - opened
                codes = [d["code"] for d in first["params"]["diagnostics"]]
                assert "SPS101" in codes, f"main.py should have an SPS101, got {codes}"
        times = []
        uris = list(documents)
        for keystroke in range(args.keystrokes):
            uri = uris[keystroke % 2]
            version = 2 + keystroke
            documents[uri] = documents[uri].replace("# note", "# note" + "x", 1) if "# note" in documents[uri] else documents[uri] + "#"
            started = time.perf_counter()
            server.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"text": documents[uri]}],
                },
            )
            server.wait(published(uri, version))
            times.append(time.perf_counter() - started)
        server.close()
    result = {
        "files": files,
        "open_ms": round(open_seconds * 1000),
        "keystroke_median_ms": round(statistics.median(times) * 1000),
        "keystroke_min_ms": round(min(times) * 1000),
        "keystroke_max_ms": round(max(times) * 1000),
        "keystrokes": len(times),
        "load_average": round(os.getloadavg()[0], 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{files} Python files: open {result['open_ms']} ms; keystroke median "
            f"{result['keystroke_median_ms']} ms ({result['keystroke_min_ms']} to "
            f"{result['keystroke_max_ms']} ms over {len(times)}); load average {result['load_average']}"
        )


if __name__ == "__main__":
    sys.exit(main())
