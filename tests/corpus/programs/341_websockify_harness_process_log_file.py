# source: https://github.com/emscripten-core/emscripten/issues/4585
# models: a test harness is a Process subclass that opens its log file in __init__ and runs the websocket proxy in run(); the tests start it with `with harness:`
# expect: fails-spawn: start() pickles the whole harness under spawn, including the open log file: "TypeError: cannot pickle '_io.TextIOWrapper' object" (fork does not pickle it)
import os
import tempfile
from multiprocessing import Process


class WebsockifyServerHarness(Process):
    def __init__(self, listen_port, target_port, log_path):
        super().__init__()
        self.listen_port = listen_port
        self.target_port = target_port
        self.log = open(log_path, "w")

    def run(self):
        self.log.write(f"proxying {self.listen_port} -> {self.target_port}\n")
        self.log.flush()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.join()
        self.log.close()


if __name__ == "__main__":
    log_path = os.path.join(tempfile.mkdtemp(), "websockify.log")
    with WebsockifyServerHarness(8991, 8990, log_path):
        pass
    with open(log_path) as log:
        print(log.read().strip())
