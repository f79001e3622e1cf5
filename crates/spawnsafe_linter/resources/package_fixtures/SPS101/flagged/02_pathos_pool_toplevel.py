# expect: SPS101
# oracle-spawn: fails "An attempt has been made to start a new process"
# oracle-fork: ok stdout "[1, 4, 9, 16]"
# A pathos pool made at the top of a notebook-turned-script: pathos builds its
# multiprocess.Pool when the ProcessPool is created, and every spawned worker
# re-runs this file while it starts.
from pathos.multiprocessing import ProcessPool

pool = ProcessPool(nodes=2)
squares = pool.map(lambda x: x * x, [1, 2, 3, 4])
print(squares)
pool.close()
pool.join()
