# source: https://github.com/jina-ai/serve/pull/3851
# models: the docs tell users to set JINA_MP_START_METHOD and similar settings through environment variables; the script sets os.environ in the guard before starting the executors, which read it
# expect: clean (spawned children receive the parent's environment as it is when they start)
import multiprocessing
import os


def executor(name, out):
    out.put((name, os.environ.get("JINA_LOG_LEVEL", "INFO")))


if __name__ == "__main__":
    os.environ["JINA_LOG_LEVEL"] = "DEBUG"
    out = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=executor, args=(n, out)) for n in ("encoder", "indexer")]
    for p in procs:
        p.start()
    print(sorted(out.get(timeout=10) for _ in procs))
    for p in procs:
        p.join()
