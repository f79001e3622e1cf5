# source: https://github.com/jonathanking/sidechainnet/issues/56
# models: the library's get_collate_fn(aggregate_input) returns a nested collate_fn closure that the loaders are built with (num_workers > 0); iterating d["train"] failed on a Mac and worked on Colab (Linux)
# expect: fails-spawn: the closure is pickled with the DataLoader arguments -> AttributeError: Can't pickle local object 'get_collate_fn.<locals>.collate_fn'
import torch
from torch.utils.data import DataLoader, Dataset


class ProteinDataset(Dataset):
    def __init__(self, seqs):
        self.seqs = seqs

    def __len__(self):
        return len(self.seqs)

    def __getitem__(self, idx):
        return self.seqs[idx]


def get_collate_fn(aggregate_input):
    def collate_fn(insts):
        lengths = [len(s) for s in insts]
        if aggregate_input:
            return torch.tensor(lengths), "".join(insts)
        return torch.tensor(lengths), insts
    return collate_fn


def prepare_dataloaders(seqs, num_workers=2):
    return {"train": DataLoader(ProteinDataset(seqs), batch_size=2, num_workers=num_workers,
                                collate_fn=get_collate_fn(aggregate_input=False))}


if __name__ == "__main__":
    d = prepare_dataloaders(["MKT", "AVLG", "QQ", "PWTE"])
    data = []
    for batch in d["train"]:
        data.append(batch[0].tolist())
    print(data)
