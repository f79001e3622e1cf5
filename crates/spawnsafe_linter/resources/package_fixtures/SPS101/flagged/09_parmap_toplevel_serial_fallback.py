# expect: SPS101
# oracle-spawn: ok stdout-count 3 "[('a.yuv', 10), ('bb.yuv', 12)]"
# oracle-fork: ok stdout-count 1 "[('a.yuv', 10), ('bb.yuv', 12)]"
# Modelled on Netflix/vmaf#777. parmap catches the failed Pool() in each
# spawned worker and maps serially there: nothing fails, but both workers
# repeat the whole map and its output: a warning (a repeated side effect, not an error).
import parmap


def extract_features(asset, scale):
    return asset, len(asset) * scale


print(parmap.map(extract_features, ["a.yuv", "bb.yuv"], 2, pm_processes=2))
