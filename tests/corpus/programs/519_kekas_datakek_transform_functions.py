# source: https://github.com/belskikh/kekas/issues/26
# models: the workaround: the reader and the transforms are ordinary module-level functions given to the same DataKek-style dataset
# expect: clean (module-level functions pickle by qualified name and the workers find them when they re-import the script)
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


def reader_fn(i, row):
    return {"image": row["pixels"], "label": row["label"]}


def normalize(d):
    return {**d, "image": [p / 255 for p in d["image"]]}


def to_label(d):
    return d["image"], float(d["label"])


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
