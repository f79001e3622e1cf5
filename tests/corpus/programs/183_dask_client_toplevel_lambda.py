# source: https://github.com/dask/distributed/issues/6816
# models: the what.py: `f = lambda: 10 + 1` and `with Client() as client: print(client.submit(f).result())` at module level
# expect: fails-spawn: the local cluster starts its worker processes (nannies) with spawn; each re-imports what.py and tries to start a cluster while bootstrapping (RuntimeError), on every platform
from dask.distributed import Client

f = lambda: 10 + 1  # noqa: E731

with Client(n_workers=1, threads_per_worker=1, dashboard_address=None) as client:
    print(client.submit(f).result())
