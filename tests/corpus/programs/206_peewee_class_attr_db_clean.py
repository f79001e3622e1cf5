# source: https://github.com/coleifer/peewee/issues/1880
# models: a Tester class whose database handle is a *class* attribute (a module-level database object) and whose instances carry only user data; a bound method is mapped over a Pool
# expect: clean (pickling the bound method pickles the instance's __dict__, which holds only user data; the class and its attribute are found by name)
import multiprocessing
import sqlite3

DB = sqlite3.connect(":memory:")


class Tester:
    db = DB

    def __init__(self, user_data):
        self.user_data = user_data

    def test_user(self, user_id):
        return user_id, self.user_data.get(user_id, "unknown")


if __name__ == "__main__":
    tester = Tester({1: "alice", 2: "bob"})
    with multiprocessing.Pool(2) as pool:
        print(pool.map(tester.test_user, [1, 2, 3]))
