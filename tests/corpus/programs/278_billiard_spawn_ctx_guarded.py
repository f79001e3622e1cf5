# source: https://github.com/celery/billiard/issues/201
# models: the report's script: `ctx = get_context('spawn')` from billiard at module level, `with ctx.Pool(2) as p: print(p.map(f, ...))` under the guard (it failed only on Python 2.7)
# expect: clean (on Python 3 the spawn context's workers re-import the script, find f and the guard keeps them from starting a pool)
from billiard import get_context

ctx = get_context("spawn")


def f(x):
    return x * x


if __name__ == "__main__":
    with ctx.Pool(2) as p:
        print(p.map(f, list(range(10))))
