# source: https://github.com/michaelliao/learn-python3/issues/3
# models: the tutorial's distributed task master registers its queues on a BaseManager subclass with `QueueManager.register('get_task_queue', callable=lambda: task_queue)` and calls manager.start() (Windows: "Can't pickle <function <lambda>>")
# expect: fails-spawn: start() launches the manager server process with the class registry, whose callables are lambdas -> PicklingError under spawn
import queue
from multiprocessing.managers import BaseManager

task_queue = queue.Queue()
result_queue = queue.Queue()


class QueueManager(BaseManager):
    pass


QueueManager.register("get_task_queue", callable=lambda: task_queue)
QueueManager.register("get_result_queue", callable=lambda: result_queue)

if __name__ == "__main__":
    manager = QueueManager(address=("127.0.0.1", 0), authkey=b"abc")
    manager.start()
    task = manager.get_task_queue()
    for n in range(3):
        task.put(n)
    print("queued:", task.qsize())
    manager.shutdown()
