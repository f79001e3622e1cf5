# source: https://github.com/pytorch/examples/issues/457
# models: the ImageNet example's main() parses arguments and, with --multiprocessing-distributed, calls mp.spawn(main_worker, nprocs=ngpus_per_node, args=(ngpus_per_node, args)) from the guarded entry point
# expect: clean (main_worker is a module-level function, the args namespace pickles, and the spawn happens under the guard)
import argparse

import torch.multiprocessing as mp


def main_worker(gpu, ngpus_per_node, args):
    print(f"Use GPU: {gpu} for training, arch {args.arch}, rank {args.rank * ngpus_per_node + gpu}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-a", "--arch", default="resnet18")
    parser.add_argument("--rank", type=int, default=0)
    args = parser.parse_args()
    ngpus_per_node = 2
    mp.spawn(main_worker, nprocs=ngpus_per_node, args=(ngpus_per_node, args))


if __name__ == "__main__":
    main()
