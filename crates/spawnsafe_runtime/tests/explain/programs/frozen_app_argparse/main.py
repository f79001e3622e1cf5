import argparse
import multiprocessing
import os
import sys

# What a frozen executable looks like to multiprocessing: `sys.frozen`
# set and the executable being the program itself (here a tiny launcher).
APP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "app")
sys.frozen = True
os.environ.setdefault("APP_PYTHON", sys.executable)

def convert(path):
    print("converting", path)

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="app")
    parser.add_argument("path")
    args = parser.parse_args()
    os.chmod(APP, 0o755)
    multiprocessing.set_executable(APP)
    worker = multiprocessing.Process(target=convert, args=(args.path,))
    worker.start()
    worker.join()
