# source: https://github.com/sergioburdisso/solidwebpush/issues/3
# models: a push-notification class opens its sqlite3 database in __init__ and sends notifications with pool.apply(self, args=(subscription, data)) -- the instance itself is the callable
# expect: fails-spawn: the task pickles the instance with its sqlite3.Connection -> TypeError: cannot pickle 'sqlite3.Connection' object (every start method)
import multiprocessing
import sqlite3


class Pusher:
    def __init__(self, db_path=":memory:"):
        self.db = sqlite3.connect(db_path)
        self.db.execute("CREATE TABLE subs (id TEXT)")

    def __call__(self, subscription, data):
        return f"sent {data['title']!r} to {subscription}"

    def notify_all(self, subscriptions, data):
        with multiprocessing.Pool(processes=1) as pool:
            return [pool.apply(self, args=(s, data)) for s in subscriptions]


if __name__ == "__main__":
    pusher = Pusher()
    print(pusher.notify_all(["user-1", "user-2"], {"title": "Testing"}))
