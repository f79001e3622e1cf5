# source: https://github.com/aboul3la/Sublist3r/pull/242
# models: each search engine object creates a threading.Lock in __init__ and is run with multiprocessing.Process(target=self.run); Python 3.8 on macOS raised "cannot pickle '_thread.lock' object"
# expect: fails-spawn: the bound-method target pickles the engine instance, whose lock cannot be pickled -> TypeError: cannot pickle '_thread.lock' object
import multiprocessing
import threading


class EnumeratorBaseThreaded:
    def __init__(self, domain, q):
        self.domain = domain
        self.q = q
        self.lock = threading.Lock()

    def enumerate(self):
        with self.lock:
            return [f"{p}.{self.domain}" for p in ("www", "mail", "dev")]

    def run(self):
        self.q.put(self.enumerate())


if __name__ == "__main__":
    q = multiprocessing.Queue()
    engine = EnumeratorBaseThreaded("example.com", q)
    proc = multiprocessing.Process(target=engine.run)
    proc.start()
    print(sorted(q.get(timeout=10)))
    proc.join()
