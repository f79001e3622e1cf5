# source: https://github.com/DeepLabCut/DeepLabCut/issues/1362
# models: a test script sets the spawn start method at the top of the file, outside the main guard, then analyses videos with a Pool from main()
# expect: fails-spawn: each spawned child re-imports the script, where set_start_method("spawn") runs again after the child's own context was set: RuntimeError: context has already been set, and the pool's workers die
import multiprocessing as mp
import os

mp.set_start_method("spawn")


def analyze_video(path):
    frames = sum(ord(c) for c in os.path.basename(path)) % 50
    return f"{path}: {frames} frames"


def main():
    videos = ["reach/a.avi", "reach/b.avi"]
    with mp.Pool(2) as pool:
        for line in pool.map(analyze_video, videos):
            print(line)


if __name__ == "__main__":
    main()
