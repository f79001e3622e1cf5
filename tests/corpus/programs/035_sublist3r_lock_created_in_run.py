# source: https://github.com/aboul3la/Sublist3r/pull/242
# models: the merged fix: the lock is created inside the process target instead of in __init__, so the engine object that crosses the boundary holds only picklable state
# expect: clean (the Process target is a bound method of a module-level class whose instance pickles)
import multiprocessing
import threading


class EnumeratorBaseThreaded:
    def __init__(self, domain, q):
        self.domain = domain
        self.q = q

    def enumerate(self, lock):
        with lock:
            return [f"{p}.{self.domain}" for p in ("www", "mail", "dev")]

    def run(self):
        lock = threading.Lock()
        self.q.put(self.enumerate(lock))


if __name__ == "__main__":
    q = multiprocessing.Queue()
    engine = EnumeratorBaseThreaded("example.com", q)
    proc = multiprocessing.Process(target=engine.run)
    proc.start()
    print(sorted(q.get(timeout=10)))
    proc.join()
