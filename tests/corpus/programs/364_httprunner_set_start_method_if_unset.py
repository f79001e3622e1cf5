# source: https://github.com/httprunner/httprunner/issues/1084
# models: the runner's entry point sets the start method only when none is set yet (get_start_method(allow_none=True) is None), then runs the test cases in a Pool
# expect: clean (allow_none=True does not fix the default context, and the call runs only in the parent, under the main guard)
import multiprocessing


def run_testcase(case):
    name, steps = case
    return f"{name}: {len(steps)} steps passed"


def main_run(cases):
    if multiprocessing.get_start_method(allow_none=True) is None:
        multiprocessing.set_start_method("spawn")
    with multiprocessing.Pool(2) as pool:
        return pool.map(run_testcase, cases)


if __name__ == "__main__":
    cases = [("login", ["post", "check"]), ("logout", ["post"])]
    for line in main_run(cases):
        print(line)
