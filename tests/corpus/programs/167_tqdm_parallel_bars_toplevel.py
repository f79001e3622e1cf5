# source: https://github.com/tqdm/tqdm/issues/920
# models: tqdm's parallel-bars example: `p = Pool(initializer=tqdm.set_lock, initargs=(tqdm.get_lock(),))` and a map over progress-reporting workers, written at module level (Windows, Anaconda prompt)
# expect: fails-spawn: under spawn the initargs are pickled for every worker and tqdm.get_lock() holds a threading.RLock -> TypeError: cannot pickle '_thread.RLock' object; the Pool at module level would also be re-created in every child
from multiprocessing import Pool

from tqdm import tqdm


def progresser(n):
    total = 0
    for i in tqdm(range(100), desc=f"#{n}", position=n, leave=False, disable=True):
        total += i
    return n, total


L = list(range(3))
p = Pool(2, initializer=tqdm.set_lock, initargs=(tqdm.get_lock(),))
print(p.map(progresser, L))
p.close()
p.join()
