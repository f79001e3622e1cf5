# source: https://github.com/LiveCodeBench/LiveCodeBench/pull/56
# models: the fix: the evaluation subprocess raises its own recursion limit at the start of its target before running the deep recursion
# expect: clean (the limit is set in the child, so spawn and fork behave the same)
import multiprocessing
import sys


def solve(n):
    if n == 0:
        return 0
    return 1 + solve(n - 1)


def run_test(n, result):
    sys.setrecursionlimit(6 * 10**4)
    result.append(solve(n))


if __name__ == "__main__":
    with multiprocessing.Manager() as manager:
        result = manager.list()
        proc = multiprocessing.Process(target=run_test, args=(1500, result))
        proc.start()
        proc.join()
        print("exit", proc.exitcode, "result", list(result))
