# source: https://github.com/braindecode/braindecode/issues/662
# models: the workaround from the thread: the filter is also written to os.environ["PYTHONWARNINGS"] before the pool starts, so the workers' interpreters apply it at start-up
# expect: clean (spawned children inherit os.environ as it is at start and read PYTHONWARNINGS, so they ignore the warning as forked ones do)
import os
import warnings
from concurrent.futures import ProcessPoolExecutor


def load_recording(index):
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn("Channel names are not unique, renaming.", RuntimeWarning)
        n_channels = 21 + index
    return index, n_channels, len(caught)


if __name__ == "__main__":
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    os.environ["PYTHONWARNINGS"] = "ignore::RuntimeWarning"
    with ProcessPoolExecutor(max_workers=2) as executor:
        for index, n_channels, n_warnings in executor.map(load_recording, [0, 1]):
            print(f"recording {index}: {n_channels} channels, {n_warnings} warnings")
