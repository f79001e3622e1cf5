# source: https://github.com/jonatanjacobsson/ifcpipeline/pull/28
# models: a worker runs each job in a child process (spawn isolation) that puts its report on a Queue; the parent calls proc.join() before reading the queue, and reports over 64 KB hang
# expect: fails-spawn: the child cannot exit until its queued data is flushed to the pipe, and the parent is waiting in join() instead of reading -> deadlock (hang, every start method)
import multiprocessing


def run_ifctester(model, results):
    report = {"model": model, "checks": [f"IfcWall #{i}: pass" for i in range(20000)]}
    results.put(report)


if __name__ == "__main__":
    results = multiprocessing.Queue()
    proc = multiprocessing.Process(target=run_ifctester, args=("office.ifc", results))
    proc.start()
    proc.join()
    report = results.get()
    print(report["model"], len(report["checks"]))
