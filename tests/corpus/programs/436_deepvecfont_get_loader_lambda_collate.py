# source: https://github.com/yizhiwang96/deepvecfont/issues/3
# models: dataloader.py's get_loader() builds the font DataLoader with a collate lambda that closes over the sequence length and num_workers=batch_size; the training main() iterates it
# expect: fails-spawn: each worker is started with the loader's collate_fn in its args, and a lambda local to get_loader cannot be pickled (AttributeError: Can't pickle local object 'get_loader.<locals>.<lambda>')
import argparse

import torch
from torch.utils import data


class SVGDataset(data.Dataset):
    def __init__(self, root_path, max_seq_len=4, mode="train"):
        self.root_path = root_path
        self.max_seq_len = max_seq_len
        self.mode = mode
        self.glyphs = [[i, i + 1, i + 2] for i in range(8)]

    def __getitem__(self, index):
        return self.glyphs[index]

    def __len__(self):
        return len(self.glyphs)


def pad_batch(batch, max_seq_len):
    return [item + [0] * (max_seq_len - len(item)) for item in batch]


def get_loader(root_path, max_seq_len, batch_size, mode="train"):
    dataset = SVGDataset(root_path, max_seq_len, mode)
    dataloader = data.DataLoader(
        dataset,
        batch_size,
        shuffle=False,
        num_workers=batch_size,
        collate_fn=lambda batch: pad_batch(batch, max_seq_len),
    )
    return dataloader


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_root", default="data/vecfont_dataset")
    parser.add_argument("--max_seq_len", type=int, default=5)
    parser.add_argument("--batch_size", type=int, default=2)
    opts = parser.parse_args()
    train_loader = get_loader(opts.data_root, opts.max_seq_len, opts.batch_size)
    for idx, batch in enumerate(train_loader):
        print(idx, batch)


if __name__ == "__main__":
    main()
