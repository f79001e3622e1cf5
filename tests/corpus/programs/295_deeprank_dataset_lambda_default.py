# source: https://github.com/haddocking/deeprank-gnn-esm/pull/32
# models: an HDF5DataSet whose constructor takes a lambda as a default argument (evaluated in the class body) and keeps it; the dataset goes to a DataLoader with workers inside predict(), called under the guard (macOS CI: "Can't pickle <function HDF5DataSet.<lambda>>")
# expect: fails-spawn: the dataset is pickled for the workers, and the lambda it holds cannot be found by name (PicklingError: attribute lookup HDF5DataSet.<lambda> on __main__ failed)
from torch.utils.data import DataLoader, Dataset


class HDF5DataSet(Dataset):
    def __init__(self, entries, dict_filter=None, tqdm_fn=lambda x: x):
        self.entries = entries
        self.dict_filter = dict_filter
        self.tqdm_fn = tqdm_fn
        self.index_complexes = list(self.tqdm_fn(range(len(entries))))

    def __len__(self):
        return len(self.index_complexes)

    def __getitem__(self, index):
        name = self.entries[self.index_complexes[index]]
        return {"name": name, "nodes": len(name)}


def predict(entries):
    dataset = HDF5DataSet(entries)
    loader = DataLoader(dataset, batch_size=2, num_workers=2)
    return [batch["nodes"] for batch in loader]


if __name__ == "__main__":
    print(predict(["1ATN", "1BRS", "1CGI", "1EMV"]))
