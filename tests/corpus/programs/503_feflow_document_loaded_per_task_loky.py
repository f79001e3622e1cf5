# source: https://github.com/joblib/joblib/issues/1190
# models: the maintainer's advice applied: each task loads its own simulation document inside my_fun; Parallel still runs at the script's top level with joblib's default backend
# expect: clean (loky does not re-run the main script in its workers, and the task now carries only the path and the time step)
import threading

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


Timesteps = [1, 1.1]


def my_fun(path, t):
    doc = loadDocument(path)
    doc.setFinalSimulationTime(t)
    return doc.startSimulator()


print(Parallel(n_jobs=2)(delayed(my_fun)("Aquifroid.fem", t) for t in Timesteps))
