import os
from concurrent.futures import ProcessPoolExecutor


class PeaksAndMetrics:
    def __init__(self, peak_values):
        self.peak_values = peak_values


def _voxel_peaks(args):
    model, voxel = args
    return max(v * model["scale"] for v in voxel)


def peaks_from_model(model, data, parallel=False, nbr_processes=None):
    if not parallel:
        return PeaksAndMetrics([_voxel_peaks((model, v)) for v in data])
    nbr_processes = nbr_processes or min(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=nbr_processes) as executor:
        values = list(executor.map(_voxel_peaks, [(model, v) for v in data]))
    return PeaksAndMetrics(values)
