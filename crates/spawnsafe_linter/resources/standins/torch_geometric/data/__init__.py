"""PyG 1.x exported its `DataLoader` from `torch_geometric.data` (the import of
pyg-team/pytorch_geometric#2205); the same class as `torch_geometric.loader`'s."""
from torch_geometric.loader import DataLoader, NeighborLoader  # noqa: F401
