# source: https://github.com/tristandeleu/pytorch-maml-rl/issues/51
# models: the factory rewritten as functools.partial of a module-level function, so the sampler's worker args pickle under the spawn start method the script sets
# expect: clean (a partial of a module-level function and two plain arguments pickles by reference)
import argparse
import functools

import torch.multiprocessing as mp


class ToyEnv:
    def __init__(self, name, seed=0):
        self.name = name
        self.state = seed

    def step(self):
        self.state += 1
        return self.state


def _make_env(env_name, seed):
    return ToyEnv(env_name, seed or 0)


def make_env(env_name, seed=None):
    return functools.partial(_make_env, env_name, seed)


def sampler_worker(index, env_fn, queue):
    env = env_fn()
    queue.put((index, env.name, [env.step() for _ in range(3)]))


class MultiTaskSampler:
    def __init__(self, env_name, num_workers=2):
        self.queue = mp.Queue()
        env_fn = make_env(env_name)
        self.workers = [mp.Process(target=sampler_worker, args=(i, env_fn, self.queue)) for i in range(num_workers)]
        for worker in self.workers:
            worker.daemon = True
            worker.start()

    def collect(self):
        results = sorted(self.queue.get() for _ in self.workers)
        for worker in self.workers:
            worker.join()
        return results


def main(args):
    sampler = MultiTaskSampler(args.env_name, num_workers=args.num_workers)
    print(sampler.collect())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--env-name", default="2DNavigation-v0")
    parser.add_argument("--num-workers", type=int, default=2)
    mp.set_start_method("spawn")
    main(parser.parse_args())
