# expect: SPS101
# oracle-spawn: fails "An attempt has been made to start a new process"
# oracle-fork: fails "An attempt has been made to start a new process"
# Modelled on dask/distributed#6816: a Client() with no address starts a local
# cluster whose worker processes are always spawned (distributed.yaml:
# multiprocessing-method: spawn), so even Linux with fork fails.
from dask.distributed import Client


def add_one(x):
    return x + 1


with Client(n_workers=1, threads_per_worker=1, dashboard_address=None) as client:
    print(client.submit(add_one, 10).result())
