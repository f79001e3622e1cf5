# source: https://github.com/metatensor/metatrain/pull/1229
# models: the PR starts dataloader workers with multiprocessing_context="spawn" on CUDA; the dataset and the collate function are module-level, so "a spawned worker receives the dataset and the collate function through pickle, and nothing else"
# expect: clean (spawn is requested explicitly, and everything the workers receive pickles)
from torch.utils.data import DataLoader, Dataset


class AtomisticDataset(Dataset):
    def __init__(self, n):
        self.systems = [{"positions": [float(i), float(i + 1)], "energy": -1.5 * i} for i in range(n)]

    def __len__(self):
        return len(self.systems)

    def __getitem__(self, i):
        return self.systems[i]


def collate_systems(batch):
    return [s["energy"] for s in batch]


def get_dataloader(dataset, device):
    context = "spawn" if device == "cuda" else None
    return DataLoader(dataset, batch_size=2, num_workers=2, collate_fn=collate_systems, multiprocessing_context=context)


if __name__ == "__main__":
    for energies in get_dataloader(AtomisticDataset(6), device="cuda"):
        print(energies)
