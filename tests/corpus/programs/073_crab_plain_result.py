# source: https://github.com/dmwm/CRABServer/pull/9026
# models: the fix: the worker puts only the task id and status (plain values) on the result queue
# expect: clean (the queue carries a tuple of strings)
import multiprocessing


def process_task(task_id, results):
    results.put((task_id, "SUBMITTED"))


if __name__ == "__main__":
    results = multiprocessing.Queue()
    worker = multiprocessing.Process(target=process_task, args=("task_42", results))
    worker.start()
    print(*results.get(timeout=10))
    worker.join()
