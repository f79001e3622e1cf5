# source: https://github.com/belskikh/kekas/issues/26
# models: a DataKek-style dataset takes a reader function and a list of transforms written as module-level lambdas; the Keker-like trainer iterates DataLoaders with workers (on Windows)
# expect: fails-spawn: the dataset sent to each worker holds the lambdas: Can't pickle <function <lambda>>: attribute lookup <lambda> on __main__ failed
from torch.utils.data import DataLoader, Dataset


class DataKek(Dataset):
    def __init__(self, df, reader_fn, transforms=None):
        self.data = df
        self.reader_fn = reader_fn
        self.transforms = transforms or []

    def __getitem__(self, ind):
        datum = self.reader_fn(ind, self.data[ind])
        for t in self.transforms:
            datum = t(datum)
        return datum

    def __len__(self):
        return len(self.data)


reader_fn = lambda i, row: {"image": row["pixels"], "label": row["label"]}  # noqa: E731
normalize = lambda d: {**d, "image": [p / 255 for p in d["image"]]}  # noqa: E731
to_label = lambda d: (d["image"], float(d["label"]))  # noqa: E731


class Keker:
    def __init__(self, dataset, batch_size=2, num_workers=2):
        self.loader = DataLoader(dataset, batch_size=batch_size, num_workers=num_workers, shuffle=False)

    def kek_one_epoch(self):
        for step, batch in enumerate(self.loader):
            print(step, batch)


if __name__ == "__main__":
    df = [{"pixels": [i, 255 - i], "label": i % 2} for i in range(4)]
    dataset = DataKek(df, reader_fn, transforms=[normalize, to_label])
    Keker(dataset).kek_one_epoch()
