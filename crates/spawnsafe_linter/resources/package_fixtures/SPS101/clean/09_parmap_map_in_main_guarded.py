# expect:
# oracle-spawn: ok stdout-count 1 "[('a.yuv', 10), ('bb.yuv', 12)]"
# oracle-fork: ok stdout-count 1 "[('a.yuv', 10), ('bb.yuv', 12)]"
# The fix for Netflix/vmaf#777's parmap map: behind the main guard the spawn
# workers re-import the script without reaching the map, so it runs once, in
# the pool.
import parmap


def extract_features(asset, scale):
    return asset, len(asset) * scale


if __name__ == "__main__":
    print(parmap.map(extract_features, ["a.yuv", "bb.yuv"], 2, pm_processes=2))
