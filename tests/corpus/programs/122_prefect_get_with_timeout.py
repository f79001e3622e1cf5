# source: https://github.com/PrefectHQ/prefect/pull/5213
# models: a timeout handler runs the task in a child process and uses queue.get(block=True, timeout=...) instead of join(timeout) before reading
# expect: clean (the result is taken from the queue before the process is joined)
import multiprocessing


def run_task(fn_name, n, queue):
    queue.put((fn_name, list(range(n))))


if __name__ == "__main__":
    queue = multiprocessing.Queue()
    proc = multiprocessing.Process(target=run_task, args=("flow", 50000, queue))
    proc.start()
    name, values = queue.get(block=True, timeout=30)
    proc.join()
    print(name, len(values), values[-1])
