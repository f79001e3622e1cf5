# source: https://github.com/SUC-DriverOld/MSST-WebUI/issues/36
# models: a web UI calls multiprocessing.set_start_method('spawn') at module level (line 147 of webUI.py) and later starts separation workers from the guard; the user fixed it with force=True
# expect: fails-spawn: the spawned child has its start method set before it re-imports the main module, so the top-level call raises RuntimeError: context has already been set in the child
import multiprocessing

multiprocessing.set_start_method("spawn")


def separate(track):
    return track, [f"{track}_vocals.wav", f"{track}_instrumental.wav"]


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        for track, stems in pool.map(separate, ["song_a", "song_b"]):
            print(track, stems)
