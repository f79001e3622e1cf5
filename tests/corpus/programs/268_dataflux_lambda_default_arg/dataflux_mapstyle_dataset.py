from torch.utils.data import Dataset


class DataFluxMapStyleDataset(Dataset):
    def __init__(self, project_name, bucket_name, objects, data_format_fn=lambda data: data):
        self.project_name = project_name
        self.bucket_name = bucket_name
        self.objects = objects
        self.data_format_fn = data_format_fn

    def __len__(self):
        return len(self.objects)

    def __getitem__(self, idx):
        raw = self.objects[idx].encode()
        return self.data_format_fn(raw)
