# source: https://github.com/gentoo/portage/pull/1260
# models: spawn_wrapper.__call__ defines a nested _pre_exec() closing over self._con and passes it, with the command, to the function that starts the child Process
# expect: fails-spawn: the nested hook in the Process args cannot be pickled (AttributeError: Can't pickle local object 'spawn_wrapper.__call__.<locals>._pre_exec')
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
        def _pre_exec():
            setexec(self._con)

        return self._spawn_func(_pre_exec, argv, results)


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
