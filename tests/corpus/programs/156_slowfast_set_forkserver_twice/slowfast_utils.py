import torch.multiprocessing

torch.multiprocessing.set_start_method("spawn", force=True)


def launch_job(num_gpus):
    print(f"training on {num_gpus} gpu(s)")
