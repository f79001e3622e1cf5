# source: https://github.com/dongzhang0725/PhyloSuite/issues/129
# models: a GenBank extraction step reports progress through a multiprocessing.Queue passed as an argument of pool.apply_async tasks (Windows build)
# expect: fails-spawn: a multiprocessing.Queue in task arguments is pickled -> RuntimeError: Queue objects should only be shared between processes through inheritance (every start method)
import multiprocessing


def extract_gene(record, progress):
    progress.put(record)
    return record, len(record) * 3


if __name__ == "__main__":
    progress = multiprocessing.Queue()
    records = ["cox1", "nad5", "rrnL", "atp6"]
    with multiprocessing.Pool(2) as pool:
        results = [pool.apply_async(extract_gene, (r, progress)) for r in records]
        genes = [r.get(timeout=10) for r in results]
    print(sorted(genes))
