"""`python -m spawnsafe ARGS...`: run the `spawnsafe` binary with ARGS and its exit status."""

import os
import sys

from spawnsafe._find_spawnsafe import find_spawnsafe_bin


def _run():
    try:
        spawnsafe = os.fsdecode(find_spawnsafe_bin())
    except FileNotFoundError as error:
        sys.stderr.write("error: {}\n".format(error))
        return 2
    argv = [spawnsafe, *sys.argv[1:]]
    if sys.platform == "win32":
        # Windows has no real exec: `os.execv` starts a new process and lets this one exit at
        # once, so the caller would see our exit status, not spawnsafe's. Wait for it instead.
        import subprocess

        try:
            return subprocess.run(argv).returncode
        except KeyboardInterrupt:
            return 130
    # Replace this interpreter: signals, stdin/stdout and the exit status are the binary's own.
    os.execv(spawnsafe, argv)


if __name__ == "__main__":
    sys.exit(_run())
