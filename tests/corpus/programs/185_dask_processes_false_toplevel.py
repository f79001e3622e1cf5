# source: https://github.com/dask/dask/issues/3877
# models: the reporter's working configuration: `Client(processes=False)` at module level of a script, so the local cluster runs its workers as threads in the same process
# expect: clean (no worker processes are started, so there is no re-import)
from dask.distributed import Client

with Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
    print(client.gather(client.map(lambda x: x + 1, range(4))))
