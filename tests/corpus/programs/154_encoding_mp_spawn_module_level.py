# source: https://github.com/zhanghang1989/PyTorch-Encoding/issues/296
# models: train_dist.py parses options and calls mp.spawn(main_worker, nprocs=ngpus_per_node, args=(ngpus_per_node, args)) at module level (line 326, `<module>` in the traceback), with no main guard
# expect: fails-spawn: torch.multiprocessing.spawn always uses the spawn start method; each child re-imports train_dist.py and calls mp.spawn again while bootstrapping (RuntimeError) -- on Linux too
import argparse

import torch.multiprocessing as mp


def main_worker(gpu, ngpus_per_node, args):
    print(f"rank {gpu}: lr {args.lr}")


parser = argparse.ArgumentParser(description="Segmentation")
parser.add_argument("--lr", type=float, default=0.01)
args = parser.parse_args()
ngpus_per_node = 2
mp.spawn(main_worker, nprocs=ngpus_per_node, args=(ngpus_per_node, args))
