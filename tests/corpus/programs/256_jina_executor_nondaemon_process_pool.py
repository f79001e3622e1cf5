# source: https://github.com/jina-ai/serve/issues/4642
# models: the same executor run in a non-daemonic process (daemon=False), which may start its own Pool of preprocessing workers
# expect: clean (only daemonic processes are forbidden to have children)
import multiprocessing


def preprocess(batch):
    return [text + " (processed)" for text in batch]


class DummyExecutor:
    def foo(self, docs):
        with multiprocessing.Pool(processes=2) as p:
            return p.map(preprocess, [docs[i:i + 2] for i in range(0, len(docs), 2)])


def run_executor(docs, out):
    out.put(DummyExecutor().foo(docs))


if __name__ == "__main__":
    out = multiprocessing.Queue()
    pod = multiprocessing.Process(target=run_executor, args=(["a", "b", "c"], out), daemon=False)
    pod.start()
    results = out.get(timeout=60)
    pod.join()
    print("exit code", pod.exitcode, "results", results)
