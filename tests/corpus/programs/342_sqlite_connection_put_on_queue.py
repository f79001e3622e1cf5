# source: https://github.com/python/cpython/issues/79423
# models: a worker process runs a query and puts a small result object on a Queue -- but the object also keeps the sqlite3 connection it came from; the parent waits for the result
# expect: fails-spawn: the queue's feeder thread cannot pickle the sqlite3.Connection, prints a traceback and drops the item, so the parent's get() times out (every start method)
import sqlite3
from multiprocessing import Process, Queue


class QueryResult:
    def __init__(self, rows, connection):
        self.rows = rows
        self.connection = connection


def run_query(queue):
    connection = sqlite3.connect(":memory:")
    connection.execute("create table t (x)")
    connection.executemany("insert into t values (?)", [(1,), (2,), (3,)])
    rows = connection.execute("select sum(x) from t").fetchall()
    queue.put(QueryResult(rows, connection))


if __name__ == "__main__":
    queue = Queue()
    proc = Process(target=run_query, args=(queue,))
    proc.start()
    result = queue.get(timeout=5)
    print("rows", result.rows)
    proc.join()
