# source: https://github.com/medema-group/BiG-SCAPE/pull/15
# models: a clustering script parses its options and sets module globals inside the main guard; pool workers read those globals ("many global variables which will not be available if the start method is not fork")
# expect: fails-spawn: the spawned workers re-import the script without running the guard, so the globals do not exist -> NameError: name 'cutoff' is not defined
import argparse
import multiprocessing


def compare_pair(pair):
    a, b = pair
    distance = abs(len(a) - len(b)) / max(len(a), len(b))
    return a, b, distance <= cutoff


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cutoff", type=float, default=0.3)
    options = parser.parse_args()
    cutoff = options.cutoff
    clusters = ["BGC0001", "BGC00022", "BGC0000333"]
    pairs = [(a, b) for i, a in enumerate(clusters) for b in clusters[i + 1:]]
    with multiprocessing.Pool(2) as pool:
        for a, b, linked in pool.map(compare_pair, pairs):
            print(a, b, linked)
