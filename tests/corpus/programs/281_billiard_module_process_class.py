# source: https://github.com/celery/billiard/pull/225
# models: the fix of the PR applied to the same helper: the Process subclass is defined at module level and the flag becomes an instance attribute
# expect: clean (the class pickles by name and the jobs list travels with the instance)
import billiard


class WorkerProcess(billiard.Process):
    def __init__(self, jobs):
        super().__init__()
        self.jobs = jobs
        self._controlled_termination = False

    def run(self):
        print("worker got", len(self.jobs), "jobs")


def start_workers(count, jobs):
    workers = [WorkerProcess(jobs) for _ in range(count)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return [w.exitcode for w in workers]


if __name__ == "__main__":
    print(start_workers(2, ["a", "b", "c"]))
