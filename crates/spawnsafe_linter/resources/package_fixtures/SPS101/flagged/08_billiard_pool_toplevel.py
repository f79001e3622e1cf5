# expect: SPS101
# oracle-spawn: hangs
# oracle-fork: ok stdout "[0, 1, 4, 9]"
# Modelled on celery/billiard#226: `billiard.Pool()` created at module level
# (billiard is Celery's fork of multiprocessing, with the same contexts).
import billiard


def square(x):
    return x * x


pool = billiard.Pool(2)
print(pool.map(square, range(4)))
pool.close()
pool.join()
