# expect:
# oracle-spawn: ok stdout "[0, 1, 4, 9]"
# oracle-fork: ok stdout "[0, 1, 4, 9]"
# Modelled on celery/billiard#201: billiard's spawn context, the pool under the guard.
from billiard import get_context

ctx = get_context("spawn")


def square(x):
    return x * x


if __name__ == "__main__":
    with ctx.Pool(2) as pool:
        print(pool.map(square, range(4)))
