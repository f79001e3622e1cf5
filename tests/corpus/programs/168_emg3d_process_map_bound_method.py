# source: https://github.com/emsig/emg3d/issues/136
# models: a Simulation object computes its fields with tqdm.contrib.concurrent.process_map over one of its own methods; the object holds an RLock for its field cache (Windows: "cannot pickle '_thread.RLock'")
# expect: fails-spawn: process_map submits the bound method, which pickles the simulation and its RLock -> TypeError: cannot pickle '_thread.RLock' object (every start method)
import threading

from tqdm.contrib.concurrent import process_map


class Simulation:
    def __init__(self, sources):
        self.sources = sources
        self._lock = threading.RLock()
        self._dict_efield = {}

    def _compute(self, source):
        return source, sum(map(ord, source)) % 100

    def compute(self):
        results = process_map(self._compute, self.sources, max_workers=2, disable=True)
        with self._lock:
            self._dict_efield.update(results)
        return self._dict_efield


if __name__ == "__main__":
    print(Simulation(["Tx1", "Tx2", "Tx3"]).compute())
