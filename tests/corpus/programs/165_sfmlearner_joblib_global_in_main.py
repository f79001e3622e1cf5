# source: https://github.com/ClementPinard/SfmLearner-Pytorch/issues/14
# models: prepare_train_data.py creates its `data_loader` object in main() as a global and dumps every scene with Parallel(n_jobs=args.num_threads)(delayed(dump_example)(scene) ...), whose function reads the global (Windows: "NameError: name 'data_loader' is not defined")
# expect: clean (with the pinned joblib, loky pickles functions of __main__ by value with cloudpickle, together with the module globals they reference, so data_loader travels with each task; the report's NameError came from an older joblib)
import argparse

from joblib import Parallel, delayed


class KittiRawLoader:
    def __init__(self, width):
        self.width = width

    def collect_scenes(self, drive):
        return [f"{drive}_{i:02d}" for i in range(2)]


def dump_example(scene):
    return [s + f"@{data_loader.width}" for s in data_loader.collect_scenes(scene)]


def main():
    global data_loader
    parser = argparse.ArgumentParser()
    parser.add_argument("--num-threads", type=int, default=2)
    args = parser.parse_args()
    data_loader = KittiRawLoader(width=416)
    print(Parallel(n_jobs=args.num_threads)(delayed(dump_example)(d) for d in ["2011_09_26", "2011_09_28"]))


if __name__ == "__main__":
    main()
