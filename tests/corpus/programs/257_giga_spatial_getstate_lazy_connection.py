# source: https://github.com/unicef/giga-spatial/pull/10
# models: the data store creates its connection lazily and drops the connection and its lock in __getstate__, re-creating them in __setstate__; a bound method of the store is mapped over a process pool
# expect: clean (__getstate__ removes the sqlite3 connection and the threading.Lock before pickling; each worker opens its own connection)
import os
import sqlite3
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor


class SqliteDataStore:
    def __init__(self, path):
        self.path = path
        self._connection = None
        self._lock = threading.Lock()

    def _get_connection(self):
        with self._lock:
            if self._connection is None:
                self._connection = sqlite3.connect(self.path)
            return self._connection

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_connection"] = None
        del state["_lock"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def count_tiles(self, country):
        cur = self._get_connection().execute("SELECT COUNT(*) FROM tiles WHERE country = ?", (country,))
        return country, cur.fetchone()[0]


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "tiles.db")
    store = SqliteDataStore(path)
    conn = store._get_connection()
    conn.execute("CREATE TABLE tiles (country TEXT)")
    conn.executemany("INSERT INTO tiles VALUES (?)", [("KE",), ("KE",), ("BR",)])
    conn.commit()
    with ProcessPoolExecutor(max_workers=2) as executor:
        print(sorted(executor.map(store.count_tiles, ["KE", "BR"])))
