from torch.utils.data import DataLoader

train_files = [[(i, j) for j in range(3)] for i in range(6)]
batch_size = 2


def merge(tbl):
    locs, feats = [], []
    for idx, scene in enumerate(tbl):
        for point in scene:
            locs.append((idx,) + point)
            feats.append(1.0)
    return {"x": [locs, feats], "id": tbl}


def train():
    return DataLoader(
        train_files,
        batch_size=batch_size,
        collate_fn=lambda x: merge(x),
        num_workers=2,
        shuffle=False,
    )
