import multiprocessing
import sqlite3

def insert(db=None):
    db.execute("select 1")

if __name__ == "__main__":
    db = sqlite3.connect(":memory:")
    p = multiprocessing.Process(target=insert, kwargs={"db": db})
    p.start()
    p.join()
