import torch


def collate_fn(data, max_len=None):
    features = [x[:max_len] + [0] * (max_len - len(x[:max_len])) for x, _ in data]
    labels = [y for _, y in data]
    return torch.tensor(features), torch.tensor(labels)
