# source: https://github.com/royerlab/cytoself/issues/32
# models: a data manager keeps its label mapping lambda as a *class* attribute (not set on the instance) and its instances are sent to worker processes
# expect: clean (instances pickle their __dict__ only; the class, with its lambda attribute, is pickled by reference)
import multiprocessing


class DataManagerOpenCell:
    label_fn = staticmethod(lambda name: name.split("_")[0])

    def __init__(self, names):
        self.names = names


def summarise(manager, out):
    out.put(sorted({manager.label_fn(n) for n in manager.names}))


if __name__ == "__main__":
    manager = DataManagerOpenCell(["nucleus_01", "cytoplasm_02", "nucleus_03"])
    out = multiprocessing.Queue()
    proc = multiprocessing.Process(target=summarise, args=(manager, out))
    proc.start()
    print(out.get(timeout=10))
    proc.join()
