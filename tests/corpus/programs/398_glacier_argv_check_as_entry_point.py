# source: https://github.com/leeroybrun/glacier-vault-remove/pull/35
# models: instead of a __name__ guard the script checks that it is the program being run (the basename of sys.argv[0] equals that of __file__) and starts the deletion processes inside that branch
# expect: fails-spawn: spawned children receive the parent's sys.argv and re-import the same file, so the check is true again and the child starts processes during bootstrapping: RuntimeError (freeze_support message)
import os
import sys
from multiprocessing import Process, Queue


def remove_archives(archives, done):
    for archive in archives:
        done.put(f"deleted {archive}")


if os.path.basename(sys.argv[0]) == os.path.basename(__file__):
    vault = sys.argv[1] if len(sys.argv) > 1 else "my-vault"
    archives = [f"{vault}/archive{i}" for i in range(4)]
    done = Queue()
    jobs = [Process(target=remove_archives, args=(archives[i::2], done)) for i in range(2)]
    for job in jobs:
        job.start()
    deleted = sorted(done.get(timeout=10) for _ in archives)
    for job in jobs:
        job.join()
    print("\n".join(deleted))
