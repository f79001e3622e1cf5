# source: https://github.com/raidionics/Raidionics/pull/30
# models: a GUI back end's entry point calls multiprocessing.freeze_support() and then sets the start method to spawn inside the guard before starting segmentation workers (the macOS fix)
# expect: clean (freeze_support and set_start_method run only in the guarded entry point)
import multiprocessing


def segment(volume):
    name, voxels = volume
    return name, sum(1 for v in voxels if v > 0.5)


def run_pipeline():
    volumes = [(f"patient_{i}", [((i * 7 + k) % 10) / 10 for k in range(20)]) for i in range(4)]
    with multiprocessing.Pool(2) as pool:
        return pool.map(segment, volumes)


if __name__ == "__main__":
    multiprocessing.freeze_support()
    multiprocessing.set_start_method("spawn")
    for name, count in run_pipeline():
        print(name, count)
