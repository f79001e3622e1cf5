# source: https://github.com/raiden-network/raiden/pull/2155
# models: task records are namedtuples defined inside a state class; the parent puts them on a multiprocessing.Queue for a worker process and waits for the worker to finish
# expect: fails-spawn: InitiatorTask's qualified name is just "InitiatorTask", which is not a module attribute; the queue's feeder thread fails to pickle it (only a traceback is printed), the item is lost and the worker waits forever -> hang (every start method)
import multiprocessing
from collections import namedtuple


class PaymentMappingState:
    InitiatorTask = namedtuple("InitiatorTask", ("token_network", "payment_id"))

    def __init__(self):
        self.tasks = {}


def handle_tasks(queue, results):
    task = queue.get()
    results.put(f"handled {task.payment_id} on {task.token_network}")


if __name__ == "__main__":
    state = PaymentMappingState()
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    worker = multiprocessing.Process(target=handle_tasks, args=(tasks, results))
    worker.start()
    tasks.put(PaymentMappingState.InitiatorTask("0xabc", 7))
    print(results.get())
    worker.join()
