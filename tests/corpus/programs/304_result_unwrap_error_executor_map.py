# source: https://github.com/rustedpy/result/issues/200
# models: extraction functions return Ok/Err results; the worker calls .unwrap(), which raises UnwrapError(result, message) -- an exception that keeps the result and passes only the message to Exception.__init__
# expect: fails-spawn: unpickling UnwrapError in the parent calls UnwrapError(message) and misses the 'message' argument, so executor.map ends in BrokenProcessPool (every start method)
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass


@dataclass(frozen=True)
class Ok:
    value: object

    def unwrap(self):
        return self.value


@dataclass(frozen=True)
class Err:
    error: object

    def unwrap(self):
        raise UnwrapError(self, f"Called `Result.unwrap()` on an `Err` value: {self.error!r}")


class UnwrapError(Exception):
    def __init__(self, result, message):
        self._result = result
        super().__init__(message)

    @property
    def result(self):
        return self._result


def extract_combined(pdf_name):
    result = Err("no text layer") if pdf_name.startswith("scan") else Ok(f"{pdf_name}: 3 pages")
    return result.unwrap()


def map_with_progress(inputs):
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(extract_combined, inputs))


if __name__ == "__main__":
    try:
        print(map_with_progress(["report.pdf", "scan_001.pdf"]))
    except UnwrapError as exc:
        print("extraction failed:", exc.result.error)
