# source: https://github.com/dask/distributed/issues/4751
# models: the fix for "large tracebacks when starting LocalCluster directly in a script": the cluster and client are created under `if __name__ == "__main__":`, and tasks may still be lambdas (cloudpickle)
# expect: clean (guarded cluster start; dask serialises the lambda with cloudpickle)
from dask.distributed import Client, LocalCluster

if __name__ == "__main__":
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        futures = client.map(lambda x: x * x, range(4))
        print(client.gather(futures))
