# source: https://github.com/Jingkang50/OpenOOD/issues/135
# models: with several GPUs the training pipeline runs in child processes and asks "experiment directory exists, overwrite? [y/n]" with input() inside the child
# expect: fails-spawn: the child's stdin is os.devnull -> EOFError: EOF when reading a line (under every start method)
import multiprocessing
import os
import tempfile


def run_pipeline(rank, output_dir):
    if os.path.exists(output_dir):
        answer = input(f"[rank {rank}] {output_dir} exists, overwrite? [y/n] ")
        if answer.strip() != "y":
            return
    print(f"rank {rank} training")


if __name__ == "__main__":
    output_dir = tempfile.mkdtemp()
    procs = [multiprocessing.Process(target=run_pipeline, args=(r, output_dir)) for r in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("exit codes:", [p.exitcode for p in procs])
