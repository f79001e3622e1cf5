# source: https://github.com/python/cpython/issues/111627
# models: the workaround from the same thread's discussion: the module tells the parent from a child by the current process's name, which spawn sets before the child imports the main module
# expect: clean (spawn's _main sets the child's process name before re-importing main, so is_parent is False in the child as under fork)
import multiprocessing as mp

is_parent = mp.current_process().name == "MainProcess"


def subproc_main():
    assert not is_parent, "buggy. Should not be is_parent"
    print("child ok")


if __name__ == "__main__":
    proc = mp.Process(target=subproc_main, daemon=True)
    proc.start()
    proc.join(5)
    print("exit code", proc.exitcode)
