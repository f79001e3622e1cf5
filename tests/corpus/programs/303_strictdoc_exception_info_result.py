# source: https://github.com/strictdoc-project/strictdoc/pull/3201
# models: the parallelizer's worker wrapper catches the failure and returns ExceptionInfo(exception) as the task's result; ExceptionInfo keeps the live exception, a semantic error whose __init__ is keyword-only but forwards its values positionally to Exception.__init__
# expect: fails-spawn: the returned ExceptionInfo pickles the exception by its args; unpickling the result in the parent calls SemanticError(title, hint, line) positionally, which the keyword-only __init__ rejects, so the executor breaks (BrokenProcessPool) instead of showing the error (every start method)
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass


class SemanticError(Exception):
    def __init__(self, *, title, hint=None, line=None):
        super().__init__(title, hint, line)
        self.title = title
        self.hint = hint
        self.line = line


@dataclass
class ExceptionInfo:
    exception: BaseException

    @property
    def message(self):
        return f"{type(self.exception).__name__}: {self.exception}"


class ChildProcessFailure:
    def __init__(self, info: ExceptionInfo):
        self.info = info


def parse_document(path):
    if path.endswith("broken.sdoc"):
        raise SemanticError(title="Requirement has no UID", hint="add UID:", line=12)
    return f"parsed {path}"


def processing_func_wrapper(path):
    try:
        return parse_document(path)
    except Exception as exception:  # noqa: BLE001 - reported by the parent
        return ChildProcessFailure(ExceptionInfo(exception))


class MultiprocessingParallelizer:
    def run_parallel(self, paths):
        with ProcessPoolExecutor(max_workers=2) as executor:
            for result in executor.map(processing_func_wrapper, paths):
                if isinstance(result, ChildProcessFailure):
                    print("error:", result.info.message)
                else:
                    print(result)


if __name__ == "__main__":
    MultiprocessingParallelizer().run_parallel(["index.sdoc", "broken.sdoc"])
