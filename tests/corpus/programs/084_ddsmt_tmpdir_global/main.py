# source: https://github.com/ddsmt/ddSMT/pull/25
# models: a delta debugger sets the temporary-directory global of its tmpfiles module from main() (through a setter using `global`); the checker processes build paths from it, and on macOS they saw None (multi-file: tmpfiles.py)
# expect: fails-spawn: the spawned workers import tmpfiles afresh, where __TMPDIR is still None -> TypeError from os.path.join(None, ...)
import multiprocessing
import tempfile

import tmpfiles


def check_candidate(candidate):
    path = tmpfiles.get_tmp_filename(candidate)
    with open(path, "w") as f:
        f.write(f"(assert {candidate})\n")
    return candidate, path.endswith(".smt2")


def main():
    tmpfiles.init(tempfile.mkdtemp(prefix="ddsmt-"))
    with multiprocessing.Pool(2) as pool:
        print(pool.map(check_candidate, ["true", "false", "(= x 1)"]))


if __name__ == "__main__":
    main()
