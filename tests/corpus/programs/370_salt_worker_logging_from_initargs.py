# source: https://github.com/saltstack/salt/pull/25931
# models: the daemon passes its log level and format to every worker process and each worker configures logging itself before running jobs
# expect: clean (the workers configure logging from their arguments, so spawn and fork print the same lines)
import logging
import sys
from multiprocessing import Pool


def setup_worker_logging(level, fmt):
    logging.basicConfig(level=level, stream=sys.stdout, format=fmt)


def run_job(jid):
    logging.getLogger("salt.job").info("running job %s", jid)
    return jid


class Minion:
    def __init__(self, log_level="INFO", log_fmt="%(name)s %(message)s"):
        self.log_level = getattr(logging, log_level)
        self.log_fmt = log_fmt

    def tune_in(self, jids):
        setup_worker_logging(self.log_level, self.log_fmt)
        with Pool(2, initializer=setup_worker_logging, initargs=(self.log_level, self.log_fmt)) as pool:
            done = pool.map(run_job, jids)
        logging.getLogger("salt.minion").info("finished %s", done)


if __name__ == "__main__":
    Minion().tune_in(["20240101", "20240102"])
