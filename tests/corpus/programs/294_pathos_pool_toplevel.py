# source: https://github.com/swansonk14/p_tqdm/issues/3
# models: the same pathos ProcessPool code written at module level of the script (no guard)
# expect: fails-spawn: pathos' multiprocess workers re-import the script under spawn and create the pool again while bootstrapping (RuntimeError)
import pathos.pools as pp


def method(x):
    return x * 3


p = pp.ProcessPool(2)
print(p.map(method, range(5)))
p.close()
p.join()
