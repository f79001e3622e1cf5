# source: https://github.com/s77rt/multicapconverter/issues/2
# models: the converter splits the networks into chunks and processes each chunk in a Process; the fix moved build_chunk out of build() to module level and passes the chunk and a result queue as arguments
# expect: clean (the target is a module-level function and its arguments are lists, strings and a Queue passed to Process at start)
import multiprocessing


def build_chunk(chunk, export, out):
    out.put([f"{essid}:{export}" for essid in chunk])


def build(networks, export="hccapx", jobs=2):
    out = multiprocessing.Queue()
    size = (len(networks) + jobs - 1) // jobs
    tasks = []
    for i in range(jobs):
        chunk = networks[i * size:(i + 1) * size]
        task = multiprocessing.Process(target=build_chunk, args=(chunk, export, out))
        task.start()
        tasks.append(task)
    converted = []
    for _ in tasks:
        converted.extend(out.get(timeout=5))
    for task in tasks:
        task.join()
    return sorted(converted)


if __name__ == "__main__":
    print(build(["home", "office", "cafe"]))
