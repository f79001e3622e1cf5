# source: https://github.com/lsst/pipe_base/pull/571
# models: the executor limits implicit threading by setting OMP_NUM_THREADS and friends in os.environ in main(), then starts spawn-style worker processes that read them
# expect: clean (spawned children inherit os.environ as it is when they start)
import multiprocessing
import os

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def run_quantum(label):
    return label, tuple(os.environ.get(var) for var in THREAD_VARS)


def main():
    for var in THREAD_VARS:
        os.environ[var] = "1"
    with multiprocessing.Pool(2) as pool:
        for label, limits in pool.map(run_quantum, ["isr", "calibrate"]):
            print(label, limits)


if __name__ == "__main__":
    main()
