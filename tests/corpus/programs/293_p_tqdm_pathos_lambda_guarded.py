# source: https://github.com/swansonk14/p_tqdm/issues/3
# models: the reporter's original code before p_tqdm: `p = pp.ProcessPool(4); p.map(method, generator); p.close(); p.join()` with pathos, here with a lambda as the method, inside the guard
# expect: clean (pathos pickles with dill, which carries a lambda, and the pool starts only from the guard)
import pathos.pools as pp


def generator(n):
    for i in range(n):
        yield i


if __name__ == "__main__":
    method = lambda x: x * 3
    p = pp.ProcessPool(2)
    print(p.map(method, generator(5)))
    p.close()
    p.join()
