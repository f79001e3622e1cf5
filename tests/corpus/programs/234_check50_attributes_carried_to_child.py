# source: https://github.com/cs50/check50/pull/224
# models: the fix: run_check stores the values of the module attributes the checks need (set by the parent at run time) and re-sets them in the check process before running the check
# expect: clean (the values travel inside the pickled run_check object and are restored in the child)
import multiprocessing
import sys

run_root_dir = None
internal_slug = None


class run_check:
    attribute_names = ("run_root_dir", "internal_slug")

    def __init__(self, check_name):
        self.check_name = check_name
        module = sys.modules[__name__]
        self.attribute_values = tuple(getattr(module, name) for name in self.attribute_names)

    def __call__(self):
        module = sys.modules[__name__]
        for name, value in zip(self.attribute_names, self.attribute_values):
            setattr(module, name, value)
        return f"{self.check_name}: root={run_root_dir} slug={internal_slug}"


if __name__ == "__main__":
    run_root_dir = "/tmp/check50-run"
    internal_slug = "cs50/problems/hello"
    with multiprocessing.Pool(2) as pool:
        results = [pool.apply_async(run_check(name)) for name in ("exists", "compiles")]
        print([r.get(timeout=30) for r in results])
