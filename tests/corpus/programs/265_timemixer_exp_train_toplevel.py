# source: https://github.com/kwuking/TimeMixer/issues/21
# models: TimeMixer's run.py: an Exp_Long_Term_Forecast class whose _get_data() builds a DataLoader with args.num_workers=4, and the `for ii in range(args.itr): exp = Exp(args); exp.train(setting)` loop at module level (the maintainer: "set the num_workers parameter to 0")
# expect: fails-spawn: exp.train() iterates the loader during the import of run.py, so the workers re-run the experiment loop while bootstrapping (RuntimeError)
import argparse

from torch.utils.data import DataLoader, Dataset


class Dataset_Custom(Dataset):
    def __init__(self, seq_len):
        self.series = [float(i % 7) for i in range(40)]
        self.seq_len = seq_len

    def __len__(self):
        return len(self.series) - self.seq_len

    def __getitem__(self, i):
        return self.series[i:i + self.seq_len], self.series[i + self.seq_len]


class Exp_Long_Term_Forecast:
    def __init__(self, args):
        self.args = args

    def _get_data(self, flag):
        data_set = Dataset_Custom(self.args.seq_len)
        loader = DataLoader(data_set, batch_size=8, shuffle=flag == "train", num_workers=self.args.num_workers)
        return data_set, loader

    def train(self, setting):
        train_data, train_loader = self._get_data(flag="train")
        loss = 0.0
        for batch_x, batch_y in train_loader:
            loss += sum(batch_y)
        print(setting, "loss", round(loss, 2))


parser = argparse.ArgumentParser(description="TimeMixer")
parser.add_argument("--num_workers", type=int, default=4)
parser.add_argument("--seq_len", type=int, default=8)
parser.add_argument("--itr", type=int, default=1)
args = parser.parse_args()

for ii in range(args.itr):
    setting = f"long_term_forecast_ETTh1_{ii}"
    exp = Exp_Long_Term_Forecast(args)
    exp.train(setting)
