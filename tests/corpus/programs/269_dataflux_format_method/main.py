# source: https://github.com/GoogleCloudPlatform/gcs-connector-for-pytorch/pull/67
# models: the merged fix: `data_format_fn=None` and a `data_format_default` method used in its place; the same training script iterates a DataLoader with workers under the guard
# expect: clean (the dataset holds a bound method of itself, which pickles as the dataset plus a method name)
from torch.utils.data import DataLoader

from dataflux_mapstyle_dataset import DataFluxMapStyleDataset


def train(project, bucket):
    dataset = DataFluxMapStyleDataset(project, bucket, [f"img_{i}.png" for i in range(6)])
    loader = DataLoader(dataset, batch_size=3, num_workers=2)
    for batch in loader:
        print(len(batch), "objects")


if __name__ == "__main__":
    train("my-project", "training-bucket")
