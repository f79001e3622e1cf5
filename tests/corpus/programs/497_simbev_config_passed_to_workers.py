# source: https://github.com/rl-institut/simbev/issues/29
# models: the restructured main script: the configuration is still read under the guard, but each task receives the values it needs as arguments through starmap
# expect: clean (everything the worker reads travels with its task)
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


def run_region(region, vehicles, days, seed):
    rng = random.Random(seed + len(region))
    trips = sum(rng.randint(1, 4) for _ in range(vehicles * days))
    return region, trips


if __name__ == "__main__":
    cfg = configparser.ConfigParser()
    cfg.read_string(CONFIG_TEXT)
    regions = ["LR_Mitte", "LR_Land", "SR_Metro"]
    settings = (cfg.getint("sim", "num_vehicles"), cfg.getint("sim", "days"), cfg.getint("sim", "seed"))
    pool = mp.Pool(processes=cfg.getint("sim", "num_threads"))
    results = pool.starmap(run_region, [(region,) + settings for region in regions])
    pool.close()
    pool.join()
    for region, trips in results:
        print(region, trips)
