# source: https://github.com/pymeasure/pymeasure/issues/91
# models: the instrument library's process module calls set_start_method('spawn') without force=True when it is imported; the measurement script imports the library and starts a worker process in its guard
# expect: fails-spawn: the spawned worker re-imports the script, whose import of the library calls set_start_method('spawn') again after the child's context was set: "RuntimeError: context has already been set" in the child
from pymeasure_lite.process import Worker


def measure(results):
    results.put("IV curve: 5 points")


if __name__ == "__main__":
    worker = Worker(measure)
    worker.start()
    print(worker.result(timeout=5))
    worker.join()
