# source: https://github.com/rl-institut/simbev/issues/29
# models: a simulation's main script reads its configuration and region list under if __name__ == '__main__' and maps one simulation per region over a Pool; the worker function reads the configuration global
# expect: fails-spawn: the guard's assignments never run in spawned workers, so run_region finds no `cfg`: NameError: name 'cfg' is not defined
import configparser
import multiprocessing as mp
import random

CONFIG_TEXT = """
[sim]
num_threads = 2
num_vehicles = 5
days = 3
seed = 7
"""


def run_region(region):
    vehicles = cfg.getint("sim", "num_vehicles")
    days = cfg.getint("sim", "days")
    rng = random.Random(cfg.getint("sim", "seed") + len(region))
    trips = sum(rng.randint(1, 4) for _ in range(vehicles * days))
    return region, trips


if __name__ == "__main__":
    cfg = configparser.ConfigParser()
    cfg.read_string(CONFIG_TEXT)
    regions = ["LR_Mitte", "LR_Land", "SR_Metro"]
    pool = mp.Pool(processes=cfg.getint("sim", "num_threads"))
    results = pool.map(run_region, regions)
    pool.close()
    pool.join()
    for region, trips in results:
        print(region, trips)
