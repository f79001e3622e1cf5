# source: https://github.com/medema-group/BiG-SCAPE/pull/15
# models: the script parses its options in the guard and assigns the run's settings as module globals there; the pool workers that compare clusters read those globals
# expect: fails-spawn: the spawned workers re-import the script as __mp_main__, where the guard does not run, so the globals do not exist: NameError (fork copies them)
import argparse
from multiprocessing import Pool


def cluster_distance(pair):
    a, b = pair
    distance = abs(len(a) - len(b)) / max(len(a), len(b))
    if mode == "glocal":
        distance /= 2
    return f"{a}-{b}: {round(distance, 3)} ({mode}, cutoff {cutoff})"


def CMD_parser():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="glocal")
    parser.add_argument("--cutoff", type=float, default=0.3)
    return parser.parse_args([])


if __name__ == "__main__":
    options = CMD_parser()
    mode = options.mode
    cutoff = options.cutoff
    pairs = [("BGC0001", "BGC000234"), ("BGC0001", "BGC01")]
    with Pool(2) as pool:
        for line in pool.map(cluster_distance, pairs):
            print(line)
