# source: https://github.com/spotify/luigi/issues/1227
# models: a task runner executes each task in a Process and reports (task id, status, exception) on a result queue; a task raises MyError(BaseException) whose __init__ takes two arguments and does not pass them to the base class
# expect: clean (BaseException.__new__ keeps the constructor's arguments in self.args even though __init__ does not pass them on, so the parent rebuilds MyError(1, 2); the failure in the report was Python 2's)
import multiprocessing


class MyError(BaseException):
    def __init__(self, a, b):
        pass


class MyTask:
    task_id = "MyTask()"

    def run(self):
        raise MyError(1, 2)


class TaskProcess(multiprocessing.Process):
    def __init__(self, task, result_queue):
        super().__init__()
        self.task = task
        self.result_queue = result_queue

    def run(self):
        try:
            self.task.run()
            self.result_queue.put((self.task.task_id, "DONE", None))
        except BaseException as ex:
            self.result_queue.put((self.task.task_id, "FAILED", ex))


class Worker:
    def __init__(self):
        self._task_result_queue = multiprocessing.Queue()

    def run(self, task):
        proc = TaskProcess(task, self._task_result_queue)
        proc.start()
        task_id, status, error = self._task_result_queue.get(timeout=5)
        proc.join()
        print(task_id, status, type(error).__name__)
        return status == "DONE"


if __name__ == "__main__":
    Worker().run(MyTask())
