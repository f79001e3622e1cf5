# source: https://github.com/bmeares/Meerschaum/pull/39
# models: SQL connectors keep a connection pool (a queue.Queue of connections, like SQLAlchemy's QueuePool) and a connector is given to each sync process ("SQLConnectors break multiprocessing; connection pools are QueuePools and cannot be pickled")
# expect: fails-spawn: the connector in the Process args holds a queue.Queue, whose mutex cannot be pickled -> TypeError: cannot pickle '_thread.lock' object
import multiprocessing
import queue


class SQLConnector:
    def __init__(self, uri, size=2):
        self.uri = uri
        self.pool = queue.Queue()
        for i in range(size):
            self.pool.put(f"conn-{i}")

    def sync_pipe(self, pipe):
        return f"{pipe} synced via {self.uri}"


def sync(connector, pipe, out):
    out.put(connector.sync_pipe(pipe))


if __name__ == "__main__":
    conn = SQLConnector("sqlite:///mrsm.db")
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=sync, args=(conn, p, out)) for p in ("weather", "sales")]
    for p in procs:
        p.start()
    print(sorted(out.get(timeout=5) for _ in procs))
    for p in procs:
        p.join()
