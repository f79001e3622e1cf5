# source: https://github.com/spack/spack/pull/50866
# models: command-line handling updates a module-level configuration dict (config.update(...)) before the build processes are started; the subprocess reads the config (the PR fixes "wrong initialization of globals in subprocesses")
# expect: misbehaves-spawn: the dict is mutated at run time in the parent; spawned children see the import-time defaults (verbose False, jobs 1)
import multiprocessing

CONFIG = {"verbose": False, "jobs": 1}


def apply_cli(argv):
    if "--verbose" in argv:
        CONFIG["verbose"] = True
    CONFIG.update(jobs=8)


def build(package, out):
    out.put((package, CONFIG["verbose"], CONFIG["jobs"]))


if __name__ == "__main__":
    apply_cli(["install", "--verbose", "zlib"])
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=build, args=(p, out)) for p in ("zlib", "cmake")]
    for p in procs:
        p.start()
    for row in sorted(out.get(timeout=10) for _ in procs):
        print(*row)
    for p in procs:
        p.join()
