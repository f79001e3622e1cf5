# source: https://github.com/celery/billiard/pull/225
# models: the bug the PR fixed, in user code: a pool helper defines its Process subclass inside the function that starts the workers, as billiard's Pool.__init__ did (AttributeError: Can't pickle local object 'Pool.__init__.<locals>.Process' on Windows)
# expect: fails-spawn: under spawn the process object is pickled, and its class is local to the function (AttributeError: Can't pickle local object)
import billiard


def start_workers(count, jobs):
    class Process(billiard.Process):
        _controlled_termination = False

        def run(self):
            print("worker", self.name, "got", len(jobs), "jobs")

    workers = [Process() for _ in range(count)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return [w.exitcode for w in workers]


if __name__ == "__main__":
    print(start_workers(2, ["a", "b", "c"]))
