# source: https://github.com/bit-ml/Private-Set-Intersection/issues/3
# models: the server's offline phase builds a server object at the top of the script and calls its precompute method, which maps the PRF over the set with a Pool
# expect: fails-spawn: each spawned worker re-runs the script's top level, reaches precompute() and creates a Pool while bootstrapping: RuntimeError in every worker, and the parent's pool hangs
from multiprocessing import Pool

number_of_processes = 2


def server_prf_offline(item, key=7, prime=2**31 - 1):
    return pow(item, key, prime)


class OPRFServer:
    def __init__(self, server_set):
        self.server_set = server_set

    def precompute(self):
        with Pool(number_of_processes) as p:
            return p.map(server_prf_offline, self.server_set)


server = OPRFServer(list(range(2, 10)))
prfs = server.precompute()
print("PRF of the server's set computed:", len(prfs))
