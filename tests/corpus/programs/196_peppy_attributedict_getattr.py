# source: https://github.com/pepkit/peppy/issues/108
# models: project samples are AttributeDict objects whose __getattr__ reads self.__dict__["_attribute_identity"]; a sample is sent to a pipeline process
# expect: fails-spawn: unpickling in the spawned child looks up __setstate__ through __getattr__ before __dict__ is restored -> KeyError: '_attribute_identity'
import multiprocessing


class AttributeDict:
    def __init__(self, entries, attribute_identity=False):
        self._attribute_identity = attribute_identity
        self.__dict__.update(entries)

    def __getattr__(self, item):
        if self.__dict__["_attribute_identity"]:
            return item
        raise AttributeError(item)


def run_pipeline(sample, out):
    out.put((sample.sample_name, sample.protocol))


if __name__ == "__main__":
    sample = AttributeDict({"sample_name": "frog_1", "protocol": "RNA-seq"})
    out = multiprocessing.Queue()
    proc = multiprocessing.Process(target=run_pipeline, args=(sample, out))
    proc.start()
    print(out.get(timeout=5))
    proc.join()
