import local_matrix_solvers

WAVELENGTH = 1550
solver = local_matrix_solvers.DirectSolver()


def run_optimization(widths):
    return solver.solve([w * WAVELENGTH for w in widths])
