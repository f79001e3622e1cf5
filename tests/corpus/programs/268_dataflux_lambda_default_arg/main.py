# source: https://github.com/GoogleCloudPlatform/gcs-connector-for-pytorch/pull/67
# models: the connector's map-style dataset takes `data_format_fn=lambda data: data` as a default argument in its own module; a training script on macOS builds it and iterates a DataLoader with workers under the guard
# expect: fails-spawn: the dataset is pickled for each worker under spawn and its default lambda cannot be pickled (PicklingError: attribute lookup DataFluxMapStyleDataset.<lambda> ... failed)
from torch.utils.data import DataLoader

from dataflux_mapstyle_dataset import DataFluxMapStyleDataset


def train(project, bucket):
    dataset = DataFluxMapStyleDataset(project, bucket, [f"img_{i}.png" for i in range(6)])
    loader = DataLoader(dataset, batch_size=3, num_workers=2)
    for batch in loader:
        print(len(batch), "objects")


if __name__ == "__main__":
    train("my-project", "training-bucket")
