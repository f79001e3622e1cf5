# source: https://github.com/datajuicer/data-juicer/issues/204
# models: an analysis step passes a multiprocessing.SimpleQueue for progress messages inside the arguments of Pool.map tasks ("SimpleQueue objects should only be shared between processes through inheritance")
# expect: fails-spawn: the SimpleQueue is pickled with the tasks -> RuntimeError: SimpleQueue objects should only be shared between processes through inheritance (every start method)
import multiprocessing


def analyze(args):
    sample, progress = args
    progress.put(sample)
    return sample, len(sample.split())


if __name__ == "__main__":
    progress = multiprocessing.SimpleQueue()
    samples = ["a short text", "another sample here", "x"]
    with multiprocessing.Pool(2) as pool:
        print(pool.map(analyze, [(s, progress) for s in samples]))
