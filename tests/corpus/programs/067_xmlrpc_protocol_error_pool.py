# source: https://github.com/python/cpython/issues/93542
# models: a worker calling an XML-RPC service lets xmlrpc.client.ProtocolError propagate out of a Pool.map task
# expect: fails-spawn: ProtocolError(url, errcode, errmsg, headers) keeps no args, so the parent cannot re-create it (TypeError in the pool's result thread) and Pool.map freezes (every start method)
from multiprocessing import Pool
from xmlrpc.client import ProtocolError


def raise_error(url):
    raise ProtocolError(url, 502, "Bad Gateway", {})


if __name__ == "__main__":
    with Pool(1) as pool:
        try:
            print(pool.map(raise_error, ["http://rpc.example/A", "http://rpc.example/5"]))
        except ProtocolError as e:
            print("protocol error:", e.errcode)
