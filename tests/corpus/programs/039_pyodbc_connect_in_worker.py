# source: https://github.com/mkleehammer/pyodbc/issues/433
# models: the maintainer's advice: do not pass the connection to pool workers, pass the connection string and let each worker connect (sqlite3 stands in for the ODBC driver)
# expect: clean (only a path string crosses the boundary; each worker opens its own connection)
import multiprocessing
import os
import sqlite3
import tempfile


def count_rows(args):
    db_path, table = args
    with sqlite3.connect(db_path) as conn:
        return table, conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


if __name__ == "__main__":
    db_path = os.path.join(tempfile.mkdtemp(), "shop.db")
    with sqlite3.connect(db_path) as conn:
        for table, n in (("orders", 3), ("customers", 2)):
            conn.execute(f"CREATE TABLE {table} (id INTEGER)")
            conn.executemany(f"INSERT INTO {table} VALUES (?)", [(i,) for i in range(n)])
    with multiprocessing.Pool(2) as pool:
        print(sorted(pool.map(count_rows, [(db_path, "orders"), (db_path, "customers")])))
