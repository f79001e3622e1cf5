# source: https://github.com/modelscope/DiffSynth-Engine/pull/144
# models: the merged fix: the wrapper asks for mp.get_context("spawn") and creates its Queue and Processes from that context instead of setting the global start method
# expect: clean (get_context("spawn") does not touch the default context, and the queue and processes share the spawn context)
import multiprocessing as mp


def worker(rank, queue):
    queue.put(f"rank {rank}: denoised 4 steps")


class ParallelWrapper:
    def __init__(self, world_size):
        self.world_size = world_size
        self.ctx = mp.get_context("spawn")
        self.queue = self.ctx.Queue()

    def launch(self):
        procs = [self.ctx.Process(target=worker, args=(rank, self.queue)) for rank in range(self.world_size)]
        for proc in procs:
            proc.start()
        results = sorted(self.queue.get(timeout=10) for _ in procs)
        for proc in procs:
            proc.join()
        return results


if __name__ == "__main__":
    for line in ParallelWrapper(2).launch():
        print(line)
