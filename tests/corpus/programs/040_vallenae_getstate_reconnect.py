# source: https://github.com/vallen-systems/vallenae/pull/17
# models: a database reader made picklable: __getstate__ drops the sqlite3 connection and __setstate__ reopens it from the stored path, so readers can be sent to worker processes
# expect: clean (__getstate__/__setstate__ replace the unpicklable member)
import multiprocessing
import os
import sqlite3
import tempfile


class HitDatabase:
    def __init__(self, path):
        self.path = path
        self.conn = sqlite3.connect(path)

    def __getstate__(self):
        state = self.__dict__.copy()
        del state["conn"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.conn = sqlite3.connect(self.path)

    def count(self, channel):
        return channel, self.conn.execute("SELECT COUNT(*) FROM hits WHERE ch = ?", (channel,)).fetchone()[0]


def count_channel(db, channel, out):
    out.put(db.count(channel))


if __name__ == "__main__":
    path = os.path.join(tempfile.mkdtemp(), "hits.db")
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE hits (ch INTEGER)")
        conn.executemany("INSERT INTO hits VALUES (?)", [(i % 3,) for i in range(10)])
    db = HitDatabase(path)
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=count_channel, args=(db, ch, out)) for ch in range(3)]
    for p in procs:
        p.start()
    print(sorted(out.get(timeout=10) for _ in procs))
    for p in procs:
        p.join()
