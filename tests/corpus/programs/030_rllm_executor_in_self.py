# source: https://github.com/rllm-org/rllm/pull/118
# models: a code-execution tool keeps its ProcessPoolExecutor in self and submits the bound method self._execute_in_subprocess; pickling the bound method pickles the instance, executor included
# expect: fails-spawn: the task is a bound method whose instance holds the executor (threads, locks, queues) -> TypeError: cannot pickle '_thread.lock' object (every start method)
from concurrent.futures import ProcessPoolExecutor


class PythonInterpreter:
    def __init__(self, name="local_python"):
        self.name = name
        self.pool = ProcessPoolExecutor(max_workers=1)

    def _execute_in_subprocess(self, code):
        scope = {}
        exec(code, scope)
        return scope.get("result")

    def run(self, code):
        return self.pool.submit(self._execute_in_subprocess, code).result(timeout=10)


if __name__ == "__main__":
    tool = PythonInterpreter()
    try:
        print(tool.name, tool.run("result = sum(range(10))"))
    finally:
        tool.pool.shutdown()
