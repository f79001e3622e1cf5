# source: https://github.com/Qiskit/qiskit/issues/4876
# models: a user script calls the library's parallel_map() (a ProcessPoolExecutor.map wrapper) at the top level of the script; works on Linux, fails on macOS with Python 3.8 (multi-file: tools.py is the library)
# expect: fails-spawn: parallel_map starts executor workers at import time of main.py; the workers re-import main.py and call parallel_map again while bootstrapping -> BrokenProcessPool
from tools import parallel_map


def transpile(circuit):
    return circuit.upper() + "-" + str(len(circuit))


circuits = ["bell", "ghz", "qft", "grover"]
print(parallel_map(transpile, circuits))
