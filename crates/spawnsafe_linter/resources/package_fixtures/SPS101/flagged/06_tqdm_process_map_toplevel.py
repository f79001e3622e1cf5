# expect: SPS101
# oracle-spawn: fails "An attempt has been made to start a new process"
# oracle-fork: ok stdout "[2, 4, 6]"
# process_map is a ProcessPoolExecutor.map with a progress bar: called at the
# top of the script, it starts the pool again in every spawned worker.
from tqdm.contrib.concurrent import process_map


def double(x):
    return 2 * x


print(process_map(double, [1, 2, 3], max_workers=2, disable=True))
