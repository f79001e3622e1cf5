# expect: SPS101
# oracle-spawn: ok stdout-count 3 "scores [3, 7, 11]"
# oracle-fork: ok stdout-count 1 "scores [3, 7, 11]"
# A scoring script keeps its parmap call in a function but calls it at the
# top level (the shape of Netflix/vmaf#777 after a refactor): each spawn
# worker re-imports the script, its own Pool() fails while bootstrapping,
# parmap falls back to a serial starmap, and the result is printed again.
import parmap


def score(a, b):
    return a + b


def run_all(pairs):
    return parmap.starmap(score, pairs, pm_processes=2)


print("scores", run_all([(1, 2), (3, 4), (5, 6)]))
