# source: https://github.com/thuml/Time-Series-Library/issues/129
# models: run.py (guarded) builds an experiment whose train() iterates a loader from data_provider(), which passes `collate_fn=lambda x: collate_fn(x, max_len=args.seq_len)` (multi-file: data_provider/data_factory.py, exp/exp_classification.py; macOS)
# expect: fails-spawn: the lambda defined inside data_provider() is pickled as the DataLoader's collate_fn when the workers start -> AttributeError: Can't pickle local object 'data_provider.<locals>.<lambda>'
import argparse

from exp.exp_classification import Exp_Classification

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seq_len", type=int, default=4)
    parser.add_argument("--num_workers", type=int, default=2)
    args = parser.parse_args()
    exp = Exp_Classification(args)
    print("train loss:", exp.train("classification_UEA"))
