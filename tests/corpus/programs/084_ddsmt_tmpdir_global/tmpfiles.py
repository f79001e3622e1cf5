import os

__TMPDIR = None


def init(path):
    global __TMPDIR
    __TMPDIR = path


def get_tmp_filename(name):
    return os.path.join(__TMPDIR, f"{abs(hash(name)) % 1000}.smt2")
