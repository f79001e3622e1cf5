# source: https://github.com/qiyeboy/SpiderBook/issues/60
# models: the portable version of the book's task manager: the queues are returned by module-level functions registered as callables, so the manager process can look them up by name
# expect: clean (module-level callables pickle by reference; each manager process owns its queues)
import queue
from multiprocessing.managers import BaseManager

task_queue = queue.Queue()


def get_task_queue():
    return task_queue


class QueueManager(BaseManager):
    pass


QueueManager.register("get_task_queue", callable=get_task_queue)

if __name__ == "__main__":
    manager = QueueManager(address=("127.0.0.1", 0), authkey=b"abc")
    manager.start()
    task = manager.get_task_queue()
    for n in range(3):
        task.put(n)
    print("queued:", task.qsize())
    manager.shutdown()
