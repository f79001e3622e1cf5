# source: https://github.com/pylint-dev/pylint-django/issues/276
# models: a plugin registers a transform on the linter by wrapping the checker's visit method in a function built inside augment_visit(); the linter is then sent to the parallel workers with Pool(initializer=..., initargs=[linter])
# expect: fails-spawn: initargs are pickled for the spawned workers and the linter keeps the nested function: AttributeError: Can't pickle local object 'augment_visit.<locals>.augment_func'
import multiprocessing


class Linter:
    def __init__(self, name):
        self.name = name
        self.transforms = {}

    def check(self, module):
        visit = self.transforms.get("visit_module", lambda m: m)
        return f"{self.name}: {visit(module)}"


def augment_visit(linter, suppress):
    def augment_func(module):
        return "suppressed" if module in suppress else f"checked {module}"

    linter.transforms["visit_module"] = augment_func


_worker_linter = None


def _worker_initialize(linter):
    global _worker_linter
    _worker_linter = linter


def _worker_check(module):
    return _worker_linter.check(module)


def check_parallel(linter, jobs, modules):
    with multiprocessing.Pool(jobs, initializer=_worker_initialize, initargs=[linter]) as pool:
        return pool.map(_worker_check, modules)


if __name__ == "__main__":
    linter = Linter("pylint")
    augment_visit(linter, {"migrations"})
    for line in check_parallel(linter, 2, ["models", "migrations"]):
        print(line)
