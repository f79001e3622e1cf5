# source: https://github.com/python/cpython/issues/111627
# models: the module decides at import whether it is the parent with `mp.parent_process() is None` and does parent-only setup there; the subprocess asserts it is not the parent
# expect: fails-spawn: while a spawned child re-imports the main module parent_process() is still None (it is set only after the Process is unpickled), so the re-import sets is_parent = True in the child and the assertion fails
import multiprocessing as mp

is_parent = False
if mp.parent_process() is None:
    is_parent = True


def subproc_main():
    assert not is_parent, "buggy. Should not be is_parent"
    print("child ok")


if __name__ == "__main__":
    proc = mp.Process(target=subproc_main, daemon=True)
    proc.start()
    proc.join(5)
    print("exit code", proc.exitcode)
