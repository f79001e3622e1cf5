# source: https://github.com/Qiskit/qiskit/pull/3491
# models: after the macOS fix, the parallel map over circuits (here parmap.map with a module-level task and a fixed argument) is only called from the guarded entry point
# expect: clean (module-level task, guarded call)
import parmap


def transpile(circuit, optimization_level):
    return circuit, len(circuit) + optimization_level


if __name__ == "__main__":
    print(parmap.map(transpile, ["bell", "ghz", "qft"], 1, pm_processes=2))
