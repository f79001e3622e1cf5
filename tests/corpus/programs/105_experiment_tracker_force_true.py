# source: https://github.com/Breakend/experiment-impact-tracker/pull/70
# models: the fix: the module-level call becomes multiprocessing.set_start_method("spawn", force=True), so re-running it in a child is harmless
# expect: clean (force=True replaces the context instead of raising)
import multiprocessing

multiprocessing.set_start_method("spawn", force=True)


def sample_power(device):
    return device, {"cpu": 35.5, "gpu": 120.0}[device]


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print(pool.map(sample_power, ["cpu", "gpu"]))
