# source: https://github.com/dask/dask/issues/9543
# models: the answer in the thread: the same cluster and client.run(test) under if __name__ == "__main__"
# expect: clean (the worker processes re-import the script and only define test)
from dask.distributed import Client, LocalCluster


def test():
    return "hello"


if __name__ == "__main__":
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    print(list(client.run(test).values()))
    client.close()
    cluster.close()
