# source: https://github.com/ansible/ansible/pull/58287
# models: worker processes put task results on the results queue; the fix sends a plain dict built from the result (host, status, output) instead of the result object that keeps the connection and its lock
# expect: clean (only the dict of strings and ints crosses the queue; the connection stays in the worker)
import threading
from multiprocessing import Process, Queue


class Connection:
    def __init__(self, host):
        self.host = host
        self._lock = threading.RLock()

    def run(self, command):
        with self._lock:
            return 0, f"{command} ok on {self.host}"


class TaskResult:
    def __init__(self, host, connection, rc, stdout):
        self.host = host
        self.connection = connection
        self.rc = rc
        self.stdout = stdout

    def to_dict(self):
        return {"host": self.host, "rc": self.rc, "stdout": self.stdout}


def worker_main(host, final_q):
    connection = Connection(host)
    rc, out = connection.run("uptime")
    final_q.put(TaskResult(host, connection, rc, out).to_dict())


if __name__ == "__main__":
    final_q = Queue()
    workers = [Process(target=worker_main, args=(h, final_q)) for h in ("web1", "db1")]
    for w in workers:
        w.start()
    results = sorted((final_q.get(timeout=10) for _ in workers), key=lambda r: r["host"])
    for w in workers:
        w.join()
    for result in results:
        print(result["host"], result["rc"], result["stdout"])
