# source: https://github.com/stanfordnqp/spins-b/issues/4
# models: test_grating.py does `import grating`; grating.py builds its simulation space at module level, including a DirectSolver whose __init__ creates a multiprocessing.Pool (multi-file: grating.py, local_matrix_solvers.py)
# expect: fails-spawn: each spawned solver worker re-imports test_grating, which imports grating, which constructs another DirectSolver and its Pool while bootstrapping -> RuntimeError in every worker; the parent's pool hangs
import grating

if __name__ == "__main__":
    print(grating.run_optimization([1.0, 2.0, 3.0]))
