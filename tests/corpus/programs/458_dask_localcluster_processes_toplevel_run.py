# source: https://github.com/dask/dask/issues/9543
# models: the script: LocalCluster(processes=True) and Client(cluster) at module level, then client.run(test) on every worker
# expect: fails-spawn: the nannies start their worker processes with spawn; each re-imports the script and tries to start a cluster while bootstrapping (Nanny failed to start), on every platform
from dask.distributed import Client, LocalCluster

cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
client = Client(cluster)


def test():
    return "hello"


print(list(client.run(test).values()))
client.close()
cluster.close()
