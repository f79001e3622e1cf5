# source: https://github.com/gentoo/portage/pull/1260
# models: the merged fix: spawn_wrapper.__call__ builds its pre_exec hook as functools.partial(setexec, self._con) of a module-level function instead of a nested _pre_exec, and the hook travels to the child Process in its args
# expect: clean (a partial of a module-level function with a string argument pickles)
import functools
import multiprocessing
import os


def setexec(context):
    os.environ["SELINUX_EXEC_CONTEXT"] = context


def run_with_hook(pre_exec, argv, results):
    pre_exec()
    results.put("%s under %s" % (" ".join(argv), os.environ["SELINUX_EXEC_CONTEXT"]))


class spawn_wrapper:
    def __init__(self, spawn_func, selinux_type):
        self._spawn_func = spawn_func
        self._con = "system_u:system_r:%s" % selinux_type

    def __call__(self, argv, results):
        pre_exec = functools.partial(setexec, self._con)
        return self._spawn_func(pre_exec, argv, results)


def spawn(pre_exec, argv, results):
    proc = multiprocessing.Process(target=run_with_hook, args=(pre_exec, argv, results))
    proc.start()
    return proc


if __name__ == "__main__":
    results = multiprocessing.Queue()
    wrapper = spawn_wrapper(spawn, "portage_t")
    proc = wrapper(["ebuild", "foo.ebuild", "merge"], results)
    print(results.get(timeout=5))
    proc.join()
