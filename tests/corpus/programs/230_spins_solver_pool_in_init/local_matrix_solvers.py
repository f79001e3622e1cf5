import multiprocessing


def _solve_one(value):
    return round(value / 1000.0, 3)


class DirectSolver:
    def __init__(self, num_processes=2):
        self.pool = multiprocessing.Pool(num_processes)

    def solve(self, values):
        return self.pool.map(_solve_one, values)
