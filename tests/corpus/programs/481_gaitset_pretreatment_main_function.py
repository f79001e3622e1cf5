# source: https://github.com/AbnerHqC/GaitSet/issues/102
# models: the same pretreatment script after the usual repair: arguments and constants stay at the top level, the pool and the folder walk move into main() called under if __name__ == '__main__'
# expect: clean (spawned workers re-import the script, re-parse the same argv and define cut_pickle, but start nothing)
import os
import tempfile
import argparse
from time import sleep

from multiprocessing import Pool
from multiprocessing import TimeoutError as MP_TimeoutError

FINISH = "FINISH"

parser = argparse.ArgumentParser(description="Test")
parser.add_argument("--input_path", default="", type=str)
parser.add_argument("--worker_num", default=2, type=int)
opt = parser.parse_args()

INPUT_PATH = opt.input_path or os.path.join(tempfile.gettempdir(), "gaitset_raw_481")
WORKERS = opt.worker_num


def make_fake_dataset(root):
    for _id in ("001", "002"):
        for view in ("000", "018"):
            seq = os.path.join(root, _id, "nm-01", view)
            os.makedirs(seq, exist_ok=True)
            for k in range(3):
                with open(os.path.join(seq, "%03d.png" % k), "w") as f:
                    f.write("x" * (k + 1))


def cut_pickle(seq_info, pid):
    seq_path = os.path.join(INPUT_PATH, *seq_info)
    frames = sorted(os.listdir(seq_path))
    size = sum(os.path.getsize(os.path.join(seq_path, f)) for f in frames)
    return "-".join(seq_info), len(frames), size


def main():
    make_fake_dataset(INPUT_PATH)
    pool = Pool(WORKERS)
    results = []
    pid = 0
    for _id in sorted(os.listdir(INPUT_PATH)):
        for _seq_type in sorted(os.listdir(os.path.join(INPUT_PATH, _id))):
            for _view in sorted(os.listdir(os.path.join(INPUT_PATH, _id, _seq_type))):
                results.append(pool.apply_async(cut_pickle, args=([_id, _seq_type, _view], pid)))
                sleep(0.02)
                pid += 1
    pool.close()
    unfinish = 1
    while unfinish > 0:
        unfinish = 0
        for res in results:
            try:
                res.get(timeout=0.1)
            except MP_TimeoutError:
                unfinish += 1
    pool.join()
    for res in results:
        print("# JOB 0 : --%s-- %s" % (FINISH, res.get()))


if __name__ == "__main__":
    main()
