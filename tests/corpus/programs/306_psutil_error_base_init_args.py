# source: https://github.com/giampaolo/psutil/pull/959
# models: the merged fix: NoSuchProcess hands all its constructor arguments to the base class, so self.args can rebuild it
# expect: clean (BaseException pickles type(exc)(*exc.args); args holds pid, name and msg, so the parent gets the same NoSuchProcess)
import multiprocessing


class Error(Exception):
    """Base exception class."""


class NoSuchProcess(Error):
    def __init__(self, pid, name=None, msg=None):
        Error.__init__(self, pid, name, msg)
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
