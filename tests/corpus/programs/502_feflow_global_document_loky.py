# source: https://github.com/joblib/joblib/issues/1190
# models: a simulation document is loaded once at the top of the script and the parallel function my_fun uses that global; the script calls Parallel(n_jobs=2) at top level (the document is a native handle; here a class holding a lock stands in for it)
# expect: fails-spawn: loky pickles my_fun by value with the globals it reads, the document included: "Could not pickle the task to send it to the workers" (cannot pickle '_thread.lock' object), under every start method
import threading
import time

from joblib import Parallel, delayed


class SimulationDocument:
    def __init__(self, path):
        self.path = path
        self._engine_lock = threading.Lock()
        self.final_time = 0.0

    def setFinalSimulationTime(self, t):
        with self._engine_lock:
            self.final_time = t

    def startSimulator(self):
        return "%s ran to t=%.1f" % (self.path, self.final_time)


def loadDocument(path):
    return SimulationDocument(path)


doc = loadDocument("Aquifroid.fem")
Timesteps = [1, 1.1]


def my_fun(i):
    doc.setFinalSimulationTime(Timesteps[i])
    return doc.startSimulator()


num = len(Timesteps)
start = time.time()
print([my_fun(i) for i in range(num)])
print(Parallel(n_jobs=2)(delayed(my_fun)(i) for i in range(num)))
