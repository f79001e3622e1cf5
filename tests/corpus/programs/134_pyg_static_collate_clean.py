# source: https://github.com/pyg-team/pytorch_geometric/pull/2440
# models: the merged change: DataListLoader passes a staticmethod of the loader class as collate_fn instead of a lambda, so it works with workers on Windows
# expect: clean (a staticmethod of a module-level class pickles by qualified name)
from torch.utils.data import DataLoader, Dataset


class GraphList(Dataset):
    def __len__(self):
        return 6

    def __getitem__(self, idx):
        return {"num_nodes": idx + 3, "edges": idx * 2}


class DataListLoader(DataLoader):
    def __init__(self, dataset, batch_size=1, shuffle=False, **kwargs):
        super().__init__(dataset, batch_size=batch_size, shuffle=shuffle, collate_fn=DataListLoader.collate_fn, **kwargs)

    @staticmethod
    def collate_fn(data_list):
        return data_list


if __name__ == "__main__":
    loader = DataListLoader(GraphList(), batch_size=3, num_workers=2)
    print([[g["num_nodes"] for g in batch] for batch in loader])
