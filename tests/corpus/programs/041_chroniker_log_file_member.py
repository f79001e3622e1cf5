# source: https://github.com/chrisspen/django-chroniker/issues/208
# models: a cron runner's TimedProcess subclass keeps the job's open log file in self and is started with proc.start() (macOS, Python 3.8)
# expect: fails-spawn: spawn pickles the whole Process subclass instance, including its open file -> TypeError: cannot pickle '_io.TextIOWrapper' object
import multiprocessing
import os
import tempfile


class TimedProcess(multiprocessing.Process):
    def __init__(self, job_name, log_path, results):
        super().__init__()
        self.job_name = job_name
        self.log = open(log_path, "w")
        self.results = results

    def run(self):
        self.results.put(f"{self.job_name} done")


if __name__ == "__main__":
    results = multiprocessing.Queue()
    proc = TimedProcess("clearsessions", os.path.join(tempfile.mkdtemp(), "cron.log"), results)
    proc.start()
    print(results.get(timeout=10))
    proc.join()
    proc.log.close()
