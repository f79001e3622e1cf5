# source: https://github.com/jina-ai/serve/issues/4642
# models: the flow runs each executor in its own daemon process; the executor's request handler preprocesses documents with a multiprocessing Pool
# expect: fails-spawn: the executor process is daemonic, so creating the Pool raises AssertionError: daemonic processes are not allowed to have children (every start method)
import multiprocessing


def preprocess(batch):
    return [text + " (processed)" for text in batch]


class DummyExecutor:
    def foo(self, docs):
        with multiprocessing.Pool(processes=3) as p:
            return p.map(preprocess, [docs[i:i + 2] for i in range(0, len(docs), 2)])


def run_executor(docs, out):
    out.put(DummyExecutor().foo(docs))


if __name__ == "__main__":
    out = multiprocessing.Queue()
    pod = multiprocessing.Process(target=run_executor, args=(["a", "b", "c"], out), daemon=True)
    pod.start()
    pod.join()
    print("exit code", pod.exitcode, "results", out.get(timeout=2) if not out.empty() else None)
