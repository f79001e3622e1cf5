# source: https://github.com/giampaolo/psutil/pull/959
# models: a library's NoSuchProcess exception takes the pid, name and message, stores them as attributes and calls the base Error.__init__(self) with no arguments
# expect: fails-spawn: self.args is empty, so the parent unpickles it as NoSuchProcess() and __init__ misses 'pid'; the pool's result thread dies and map never returns (every start method)
import multiprocessing


class Error(Exception):
    """Base exception class."""


class NoSuchProcess(Error):
    def __init__(self, pid, name=None, msg=None):
        Error.__init__(self)
        self.pid = pid
        self.name = name
        self.msg = msg or "process no longer exists"

    def __str__(self):
        return f"{self.msg} (pid={self.pid}, name={self.name!r})"


PROCESS_TABLE = {1: "init", 42: "postgres"}


def process_name(pid):
    if pid not in PROCESS_TABLE:
        raise NoSuchProcess(pid)
    return PROCESS_TABLE[pid]


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        try:
            print(pool.map(process_name, [1, 42, 4242]))
        except NoSuchProcess as exc:
            print("gone:", exc)
