from torch.utils.data import DataLoader, Dataset
from torchvision import transforms


def get_transforms(spatial_size=(5, 5, 5), precropped=False):
    return transforms.Compose([transforms.Lambda(lambda image: [v * spatial_size[0] for v in image])])


class SSLRadiomicsDataset(Dataset):
    def __init__(self, rows, transform):
        self.rows = rows
        self.transform = transform

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        name, values = self.rows[i]
        return name, sum(self.transform(values))


def get_features(csv_path, num_workers=2):
    rows = [(f"ct_{i}", [i, i + 1]) for i in range(4)]
    loader = DataLoader(SSLRadiomicsDataset(rows, get_transforms()), batch_size=2, num_workers=num_workers)
    return [list(zip(names, feats.tolist())) for names, feats in loader]
