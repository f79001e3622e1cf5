# source: https://github.com/yuqinie98/PatchTST/issues/20
# models: run_longExp.py parses --num_workers (default 10 in the report, 2 here) at module level and runs the experiment, which iterates a multi-worker DataLoader, from the main guard
# expect: clean (children re-run only the argument parsing, with the parent's argv; the loader is iterated under the guard)
import argparse

from torch.utils.data import DataLoader, Dataset

parser = argparse.ArgumentParser(description="PatchTST")
parser.add_argument("--num_workers", type=int, default=2, help="data loader num workers")
parser.add_argument("--seq_len", type=int, default=4)
args = parser.parse_args()


class Dataset_ETT_minute(Dataset):
    def __init__(self, seq_len):
        self.series = [float(i % 7) for i in range(20)]
        self.seq_len = seq_len

    def __len__(self):
        return len(self.series) - self.seq_len

    def __getitem__(self, i):
        return self.series[i:i + self.seq_len], self.series[i + self.seq_len]


if __name__ == "__main__":
    loader = DataLoader(Dataset_ETT_minute(args.seq_len), batch_size=8, num_workers=args.num_workers)
    print([len(y) for _, y in loader])
