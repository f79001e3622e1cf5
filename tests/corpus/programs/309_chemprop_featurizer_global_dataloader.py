# source: https://github.com/chemprop/chemprop/issues/115
# models: featurization keeps its settings in module globals; the training script enlarges the atom feature size with set_extra_atom_fdim() before building a DataLoader with worker processes that featurize molecules
# expect: misbehaves-spawn: the spawned loader workers re-import the script with EXTRA_ATOM_FDIM = 0, so every molecule gets shorter feature vectors than under fork
from torch.utils.data import DataLoader, Dataset

ATOM_FDIM = 4
EXTRA_ATOM_FDIM = 0


def set_extra_atom_fdim(extra):
    global EXTRA_ATOM_FDIM
    EXTRA_ATOM_FDIM = extra


def get_atom_fdim():
    return ATOM_FDIM + EXTRA_ATOM_FDIM


class MoleculeDataset(Dataset):
    def __init__(self, smiles):
        self.smiles = smiles

    def __len__(self):
        return len(self.smiles)

    def __getitem__(self, index):
        atoms = len(self.smiles[index])
        return atoms * get_atom_fdim()


def collate(batch):
    return list(batch)


if __name__ == "__main__":
    set_extra_atom_fdim(3)
    loader = DataLoader(MoleculeDataset(["CCO", "c1ccccc1", "N"]), batch_size=3, num_workers=2, collate_fn=collate)
    for features in loader:
        print("feature sizes:", features)
