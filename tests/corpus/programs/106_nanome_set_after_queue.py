# source: https://github.com/nanome-ai/nanome-lib/pull/263
# models: a plugin server creates its process Queues and then calls set_start_method("spawn") ("set_start_method has to be called before process Queues are instantiated")
# expect: fails-spawn: creating the Queue fixed the default context, so the later set_start_method raises RuntimeError: context has already been set
import multiprocessing


def session(q, name):
    q.put(f"session {name} registered")


def main():
    q = multiprocessing.Queue()
    multiprocessing.set_start_method("spawn")
    p = multiprocessing.Process(target=session, args=(q, "plugin-1"))
    p.start()
    print(q.get(timeout=10))
    p.join()


if __name__ == "__main__":
    main()
