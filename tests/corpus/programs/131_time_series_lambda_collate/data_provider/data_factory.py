from torch.utils.data import DataLoader, Dataset

from data_provider.uea import collate_fn


class UEAloader(Dataset):
    def __init__(self, n):
        self.rows = [([float(j) for j in range(i % 5 + 1)], i % 2) for i in range(n)]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        return self.rows[i]


def data_provider(args, flag):
    data_set = UEAloader(8)
    data_loader = DataLoader(data_set, batch_size=4, shuffle=flag == "train", num_workers=args.num_workers,
                             collate_fn=lambda x: collate_fn(x, max_len=args.seq_len))
    return data_set, data_loader
