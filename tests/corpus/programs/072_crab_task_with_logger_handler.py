# source: https://github.com/dmwm/CRABServer/pull/9026
# models: a task worker puts its finished task object on the result queue; the object still references the logging handler it wrote to, which cannot be pickled, and the put fails silently
# expect: fails-spawn: the feeder thread raises TypeError: cannot pickle '_thread.RLock' object, the result never arrives and the master waits on the queue forever (hang, every start method)
import logging
import multiprocessing
import sys


class TaskResult:
    def __init__(self, task_id, status):
        self.task_id = task_id
        self.status = status
        self.log_handler = logging.StreamHandler(sys.stderr)


def process_task(task_id, results):
    results.put(TaskResult(task_id, "SUBMITTED"))


if __name__ == "__main__":
    results = multiprocessing.Queue()
    worker = multiprocessing.Process(target=process_task, args=("task_42", results))
    worker.start()
    result = results.get()
    print(result.task_id, result.status)
    worker.join()
