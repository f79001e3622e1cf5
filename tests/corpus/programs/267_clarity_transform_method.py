# source: https://github.com/claritychallenge/clarity/issues/424
# models: the fix for the Mac pickling error: the dataset's identity transform is a module-level function instead of `lambda audio: audio`, the rest of the recipe unchanged
# expect: clean (a module-level function pickles by name, so the dataset pickles under spawn)
from torch.utils.data import DataLoader, Dataset


def identity_transform(audio):
    return audio


class Cad2Task2Dataset(Dataset):
    def __init__(self, tracks, sample_rate=44100, transform=None):
        self.tracks = tracks
        self.sample_rate = sample_rate
        self.transform = transform if transform is not None else identity_transform

    def __len__(self):
        return len(self.tracks)

    def __getitem__(self, idx):
        mixture = [float(idx + k) for k in range(4)]
        return self.transform(mixture), self.tracks[idx]


def main(conf):
    train_set = Cad2Task2Dataset([f"track_{i:03d}" for i in range(8)], sample_rate=conf["sample_rate"])
    train_loader = DataLoader(train_set, batch_size=conf["batch_size"], shuffle=True, num_workers=conf["num_workers"])
    for epoch in range(conf["epochs"]):
        total = 0.0
        for mixture, names in train_loader:
            total += sum(sum(m) for m in mixture)
        print("epoch", epoch, total)


if __name__ == "__main__":
    arg_dic = {"sample_rate": 44100, "batch_size": 4, "num_workers": 2, "epochs": 1}
    main(arg_dic)
