# source: https://github.com/yahoo/TensorFlowOnSpark/issues/198
# models: TFManager.start(authkey, queues) registers each queue on the manager class with a lambda created inside start() and then starts the manager (Windows: "Can't pickle local object 'start.<locals>.<lambda>'")
# expect: fails-spawn: the registry holds lambdas local to start(); spawning the manager process pickles them -> AttributeError: Can't pickle local object 'start.<locals>.<lambda>'
import queue
from multiprocessing.managers import BaseManager


class TFManager(BaseManager):
    pass


def start(authkey, queues):
    qdict = {q: queue.Queue() for q in queues}
    TFManager.register("get_queue", callable=lambda qname: qdict[qname])
    mgr = TFManager(address=("127.0.0.1", 0), authkey=authkey)
    mgr.start()
    return mgr


if __name__ == "__main__":
    mgr = start(b"secret", ["control", "output"])
    mgr.get_queue("control").put("ready")
    print("control size:", mgr.get_queue("control").qsize())
    mgr.shutdown()
