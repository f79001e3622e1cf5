# source: https://github.com/facebookresearch/SlowFast/issues/204
# models: tools/run_net.py calls torch.multiprocessing.set_start_method("forkserver") in its entry point, after a project module imported earlier already set the start method at import time (multi-file: slowfast_utils.py)
# expect: fails-spawn: the second set_start_method without force=True raises RuntimeError: context has already been set
import torch.multiprocessing

import slowfast_utils


def main():
    torch.multiprocessing.set_start_method("forkserver")
    slowfast_utils.launch_job(num_gpus=1)


if __name__ == "__main__":
    main()
