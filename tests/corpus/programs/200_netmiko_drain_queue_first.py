# source: https://github.com/ktbyers/netmiko/pull/511
# models: the fixed multiprocess example: the main process reads one result per device from the queue before joining the per-device processes
# expect: clean (the queue is drained before join)
import multiprocessing


def show_version(device, output_q):
    output_q.put({device: [f"{device} line {i}" for i in range(3000)]})


if __name__ == "__main__":
    output_q = multiprocessing.Queue()
    devices = ["cisco3", "arista1", "juniper1"]
    procs = [multiprocessing.Process(target=show_version, args=(d, output_q)) for d in devices]
    for p in procs:
        p.start()
    results = {}
    for _ in procs:
        results.update(output_q.get(timeout=30))
    for p in procs:
        p.join()
    print(sorted((d, len(lines)) for d, lines in results.items()))
