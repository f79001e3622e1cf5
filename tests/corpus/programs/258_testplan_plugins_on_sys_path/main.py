# source: https://github.com/morganstanley/testplan/issues/199
# models: the runner appends its plugins directory to sys.path in main() and schedules a task function imported from a plugin module on a process pool (multi-file: plugins/checks.py)
# expect: clean (spawn sends the parent's sys.path to each child before it unpickles the task, so the plugin module is importable there)
import os
import sys
from concurrent.futures import ProcessPoolExecutor


def main():
    sys.path.append(os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins"))
    from checks import run_check

    with ProcessPoolExecutor(max_workers=2) as pool:
        print(list(pool.map(run_check, ["unit", "functional", "smoke"])))


if __name__ == "__main__":
    main()
