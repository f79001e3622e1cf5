# source: https://github.com/celery/billiard/issues/201
# models: the same billiard spawn-context script written without the guard (the pool at module level)
# expect: fails-spawn: the spawn context's workers always re-import the script, which creates the pool again while bootstrapping (every start method)
from billiard import get_context

ctx = get_context("spawn")


def f(x):
    return x * x


with ctx.Pool(2) as p:
    print(p.map(f, list(range(10))))
