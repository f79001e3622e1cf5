# source: https://github.com/NVIDIA/CompileIQ/pull/46
# models: the Getting Started snippet pasted into a file: a tuner object is configured and `tuner.start()` is called at module level; the tuner's worker pool runs the trials in processes
# expect: fails-spawn: start() creates worker processes while the main module is imported; each worker re-runs the snippet and starts a tuner while bootstrapping (RuntimeError)
import concurrent.futures


def run_trial(params):
    flags, unroll = params
    return params, len(flags) * unroll


class Tuner:
    def __init__(self, search_space):
        self.search_space = search_space

    def start(self, workers=2):
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            return sorted(pool.map(run_trial, self.search_space))


tuner = Tuner([("-O2", 1), ("-O3", 2), ("-Os", 4)])
print(tuner.start())
