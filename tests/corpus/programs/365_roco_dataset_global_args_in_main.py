# source: https://github.com/razorx89/roco-dataset/issues/4
# models: the download script keeps the parsed command line in a module global `args = None` that main() fills with `global args`; the Pool workers read args.target_dir
# expect: fails-spawn: spawned workers re-import the script as __mp_main__ where args is still None: AttributeError: 'NoneType' object has no attribute 'target_dir'
import argparse
import os
from multiprocessing import Pool

args = None


def download_archive(name):
    path = os.path.join(args.target_dir, name)
    return f"would fetch {name} into {path}"


def parse_args():
    parser = argparse.ArgumentParser(description="fetch ROCO archives")
    parser.add_argument("--target-dir", default="data")
    parser.add_argument("--jobs", type=int, default=2)
    return parser.parse_args([])


def main():
    global args
    args = parse_args()
    with Pool(args.jobs) as pool:
        for line in pool.map(download_archive, ["train.tar", "val.tar"]):
            print(line)


if __name__ == "__main__":
    main()
