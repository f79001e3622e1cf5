# source: https://github.com/rllm-org/rllm/pull/118
# models: the merged fix: the subprocess entry point becomes a staticmethod called through the class and the tool name is passed explicitly, so the instance (and its executor) is not pickled
# expect: clean (a staticmethod looked up on a module-level class pickles by qualified name)
from concurrent.futures import ProcessPoolExecutor


class PythonInterpreter:
    def __init__(self, name="local_python"):
        self.name = name
        self.pool = ProcessPoolExecutor(max_workers=1)

    @staticmethod
    def _execute_in_subprocess(code, tool_name):
        scope = {}
        exec(code, scope)
        return tool_name, scope.get("result")

    def run(self, code):
        future = self.pool.submit(PythonInterpreter._execute_in_subprocess, code, self.name)
        return future.result(timeout=10)


if __name__ == "__main__":
    tool = PythonInterpreter()
    try:
        print(*tool.run("result = sum(range(10))"))
    finally:
        tool.pool.shutdown()
