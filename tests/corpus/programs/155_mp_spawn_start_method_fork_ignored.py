# source: https://github.com/pytorch/pytorch/pull/33070
# models: a launcher passes start_method="fork" to torch.multiprocessing.spawn so that its worker can be a closure over the config; the PR documents that spawn() ignores start_method (use start_processes for other methods)
# expect: fails-spawn: mp.spawn always uses spawn, so the closure is pickled -> AttributeError: Can't pickle local object 'launch.<locals>.worker' (on every platform)
import torch.multiprocessing as mp


def launch(config, nprocs=2):
    def worker(rank):
        print(f"rank {rank} of {nprocs}: {config['model']}")

    mp.spawn(worker, nprocs=nprocs, start_method="fork")


if __name__ == "__main__":
    launch({"model": "bert-base"})
