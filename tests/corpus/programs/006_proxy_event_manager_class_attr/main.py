# source: https://github.com/abhinavsingh/proxy.py/issues/233
# models: a proxy server package whose event module creates a multiprocessing.Manager() as a class attribute of EventQueue (evaluated when the module is imported); acceptor processes import it (multi-file: event.py, acceptor.py)
# expect: fails-spawn: the class body runs Manager() at import of event.py; every spawned acceptor imports event.py while unpickling its target and starts a manager process while bootstrapping (RuntimeError)
import multiprocessing

from acceptor import accept
from event import EventQueue


def main():
    queue = EventQueue()
    acceptors = [multiprocessing.Process(target=accept, args=(i,)) for i in range(2)]
    for a in acceptors:
        a.start()
    for a in acceptors:
        a.join()
    print("acceptors exit codes:", [a.exitcode for a in acceptors], "events:", queue.size())


if __name__ == "__main__":
    main()
