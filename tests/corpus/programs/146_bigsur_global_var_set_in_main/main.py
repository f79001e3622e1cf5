# source: https://github.com/pytorch/pytorch/issues/48957
# models: the report's main.py/data.py pair: data.py has VAR = 0 at import and set_var() sets it to 1; main.py calls set_var() under the guard, then iterates a DataLoader sequentially and with num_workers=2 whose __getitem__ reads VAR (macOS Big Sur)
# expect: misbehaves-spawn: the parallel workers re-import data.py and see VAR = 0 (and print "Initialized VAR to 0" again), unlike the sequential pass and the fork workers
from torch.utils.data import DataLoader

from data import Dataset, set_var

if __name__ == "__main__":
    set_var()
    test_data = Dataset()

    print("DataLoader with num_workers=0 (sequential):")
    print([b.tolist() for b in DataLoader(test_data)])

    print("DataLoader with num_workers=2 (parallel):")
    print([b.tolist() for b in DataLoader(test_data, num_workers=2)])
