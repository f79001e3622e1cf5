# source: https://github.com/jonatanjacobsson/ifcpipeline/pull/28
# models: the fix (shared drain_and_join): read the result from the queue first, then join the child
# expect: clean (the parent drains the queue before joining)
import multiprocessing


def run_ifctester(model, results):
    report = {"model": model, "checks": [f"IfcWall #{i}: pass" for i in range(20000)]}
    results.put(report)


def drain_and_join(proc, results, timeout=30):
    report = results.get(timeout=timeout)
    proc.join()
    return report


if __name__ == "__main__":
    results = multiprocessing.Queue()
    proc = multiprocessing.Process(target=run_ifctester, args=("office.ifc", results))
    proc.start()
    report = drain_and_join(proc, results)
    print(report["model"], len(report["checks"]))
