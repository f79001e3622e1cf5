# source: https://github.com/predict-idlab/tsflex/pull/91
# models: a feature-extraction helper passes a generator of (series, window) chunks to its worker processes; enabling multiprocessing on Windows hit "we cannot pickle generators"
# expect: fails-spawn: a generator object in Process args cannot be pickled -> TypeError: cannot pickle 'generator' object
import multiprocessing


def chunks(series, window):
    for start in range(0, len(series), window):
        yield series[start:start + window]


def extract(chunk_iter, out):
    out.put([round(sum(c) / len(c), 2) for c in chunk_iter])


if __name__ == "__main__":
    series = [float(i % 7) for i in range(40)]
    out = multiprocessing.Queue()
    worker = multiprocessing.Process(target=extract, args=(chunks(series, 10), out))
    worker.start()
    print("window means:", out.get(timeout=10))
    worker.join()
