# source: https://github.com/iree-org/iree/issues/11655
# models: the compiler wrapper raises CompilerToolError(process) built from the finished subprocess; the exception's __init__ reads process.stderr and hands only the formatted message to Exception.__init__
# expect: fails-spawn: the worker's exception is pickled as CompilerToolError(message); unpickling it in the parent calls __init__ with a str, which has no .stderr, so the pool breaks instead of reporting the compile error (every start method)
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor


class CompilerToolError(Exception):
    def __init__(self, process):
        errs = process.stderr.decode("utf-8")
        super().__init__(f"Error invoking IREE compiler tool (exit {process.returncode}):\n{errs}")


def compile_str(source):
    process = subprocess.run(
        [sys.executable, "-c", "import sys; sys.stderr.write('invalid program'); sys.exit(1)"],
        input=source.encode(),
        capture_output=True,
    )
    if process.returncode != 0:
        raise CompilerToolError(process)
    return process.stdout


def compile_teapot():
    return compile_str("I'm a little teapot but not a valid program")


def main():
    with ProcessPoolExecutor(max_workers=1) as executor:
        try:
            executor.submit(compile_teapot).result()
        except CompilerToolError as exc:
            print("compile failed:", str(exc).splitlines()[0])


if __name__ == "__main__":
    main()
