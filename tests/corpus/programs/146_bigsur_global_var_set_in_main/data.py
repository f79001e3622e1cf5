import torch

VAR = 0
print("Initialized VAR to", VAR)


def set_var():
    global VAR
    VAR = 1
    print("Setting VAR to", VAR)


class Dataset(torch.utils.data.Dataset):
    def __len__(self):
        return 3

    def __getitem__(self, index):
        return torch.tensor([VAR])
