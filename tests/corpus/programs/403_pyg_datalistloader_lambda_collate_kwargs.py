# source: https://github.com/pyg-team/pytorch_geometric/pull/2440
# models: PyG 1.7's DataListLoader, a DataLoader subclass whose __init__ passes collate_fn=lambda data_list: data_list and **kwargs on; the user asks for num_workers=2 on Windows
# expect: fails-spawn: the lambda in DataListLoader.__init__ cannot be pickled for the workers -> AttributeError: Can't pickle local object 'DataListLoader.__init__.<locals>.<lambda>'
import torch.utils.data


class DataListLoader(torch.utils.data.DataLoader):
    def __init__(self, dataset, batch_size=1, shuffle=False, **kwargs):
        super(DataListLoader, self).__init__(
            dataset, batch_size, shuffle,
            collate_fn=lambda data_list: data_list, **kwargs)


def main():
    graphs = [{"num_nodes": n} for n in (3, 5, 2, 4)]
    loader = DataListLoader(graphs, batch_size=2, num_workers=2)
    for data_list in loader:
        print([g["num_nodes"] for g in data_list])


if __name__ == "__main__":
    main()
