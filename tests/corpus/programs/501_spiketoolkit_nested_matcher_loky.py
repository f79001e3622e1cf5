# source: https://github.com/SpikeInterface/spiketoolkit/issues/108
# models: the same do_matching() with its nested match_spikes, run through joblib's default backend as the library did
# expect: clean (loky sends the task with cloudpickle, which carries a nested function and its closure by value)
from joblib import Parallel, delayed


def do_matching(sorting1, sorting2, delta_frames, n_jobs=2):
    def match_spikes(unit1):
        times1 = sorting1[unit1]
        best, best_count = None, 0
        for unit2, times2 in sorting2.items():
            count = sum(1 for t1 in times1 for t2 in times2 if abs(t1 - t2) <= delta_frames)
            if count > best_count:
                best, best_count = unit2, count
        return unit1, best, best_count

    results = Parallel(n_jobs=n_jobs)(delayed(match_spikes)(unit1) for unit1 in sorted(sorting1))
    return {u1: (u2, c) for u1, u2, c in results}


if __name__ == "__main__":
    gt = {"a": [10, 50, 90], "b": [20, 60, 100, 140]}
    tested = {"x": [11, 49, 91], "y": [21, 61, 99, 141], "z": [300]}
    print(do_matching(gt, tested, delta_frames=2))
