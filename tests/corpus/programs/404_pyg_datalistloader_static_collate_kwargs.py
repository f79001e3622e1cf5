# source: https://github.com/pyg-team/pytorch_geometric/pull/2440
# models: the merged fix: DataListLoader's collate_fn is a static method of the class (pickled by its qualified name), still with **kwargs passed on and num_workers=2
# expect: clean (a static method of a module-level class pickles by name)
import torch.utils.data


class DataListLoader(torch.utils.data.DataLoader):
    def __init__(self, dataset, batch_size=1, shuffle=False, **kwargs):
        super(DataListLoader, self).__init__(
            dataset, batch_size, shuffle,
            collate_fn=DataListLoader.collate_fn, **kwargs)

    @staticmethod
    def collate_fn(data_list):
        return data_list


def main():
    graphs = [{"num_nodes": n} for n in (3, 5, 2, 4)]
    loader = DataListLoader(graphs, batch_size=2, num_workers=2)
    for data_list in loader:
        print([g["num_nodes"] for g in data_list])


if __name__ == "__main__":
    main()
