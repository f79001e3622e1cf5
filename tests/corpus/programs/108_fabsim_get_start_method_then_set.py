# source: https://github.com/djgroen/FabSim3/issues/201
# models: an ensemble runner checks `if get_start_method() != "fork": set_start_method("fork")`; as the maintainer notes, get_start_method() itself fixes the start method
# expect: fails-spawn: where the default is spawn, get_start_method() (without allow_none=True) sets the context, and the following set_start_method raises RuntimeError: context has already been set
from multiprocessing import Pool, get_start_method, set_start_method


def run_ensemble_member(config):
    return config, f"{config}: done"


def run_ensemble(configs):
    if get_start_method() != "fork":
        set_start_method("fork")
    with Pool(2) as pool:
        return pool.map(run_ensemble_member, configs)


if __name__ == "__main__":
    for _, status in run_ensemble(["flee_mali", "flee_car"]):
        print(status)
