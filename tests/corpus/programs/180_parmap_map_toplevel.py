# source: https://github.com/Netflix/vmaf/pull/777
# models: a quality-metric runner maps feature extraction over assets with a parallel map helper (parmap.map, built on multiprocessing.Pool) at module level; on macOS with Python 3.8 it broke until fork was forced
# expect: misbehaves-spawn: parmap creates a multiprocessing.Pool at import time of the main module; under spawn each worker re-runs the script, its own Pool creation fails while bootstrapping, and parmap silently falls back to a serial map, so every worker recomputes and prints the whole result again
import parmap


def extract_features(asset, scale):
    return asset, len(asset) * scale


assets = ["src01_hrc00.yuv", "src01_hrc01.yuv", "src02_hrc00.yuv"]
print(parmap.map(extract_features, assets, 2, pm_processes=2))
