# source: https://github.com/econ-ark/HARK/pull/377
# models: what the PR moved away from: a solver builds per-agent closures inside a function and sends them through joblib's multiprocessing backend (works with loky's cloudpickle, not with the standard pickler)
# expect: fails-spawn: the multiprocessing backend pickles the tasks with pickle, and a function local to another function cannot be pickled (every start method)
from joblib import Parallel, delayed


def solve(agent, discount):
    return agent, round(discount ** agent, 4)


def multi_thread_commands(agents, discount):
    def command(agent):
        return solve(agent, discount)

    return Parallel(n_jobs=2, backend="multiprocessing")(delayed(command)(a) for a in agents)


if __name__ == "__main__":
    print(multi_thread_commands(range(4), 0.96))
