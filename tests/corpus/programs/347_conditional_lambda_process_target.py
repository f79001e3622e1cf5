# source: https://github.com/python/cpython/issues/91027
# models: the launcher picks the process target with a conditional expression: a lambda wrapping the real job when a debug flag is set, the module-level job otherwise
# expect: fails-spawn: with debug on, the target is a lambda, which spawn must pickle with the Process: "Can't pickle <function <lambda>...>: attribute lookup <lambda> on __main__ failed" (fork does not pickle the target)
import multiprocessing
from dataclasses import dataclass


@dataclass
class Settings:
    debug: bool = True
    jobs: int = 2


def run_job(index, verbose=False):
    print(f"job {index} done" + (" (verbose)" if verbose else ""))


def launch(settings):
    target = (lambda index: run_job(index, verbose=True)) if settings.debug else run_job
    procs = [multiprocessing.Process(target=target, args=(i,)) for i in range(settings.jobs)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()


if __name__ == "__main__":
    launch(Settings())
