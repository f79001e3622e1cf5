# source: https://github.com/huggingface/datasets/issues/5061
# models: a class stores its module logger (logging.getLogger(__name__)) in self and its method is mapped in a Pool; the thread shows Logger.__reduce__ returns (getLogger, (name,))
# expect: clean (a Logger pickles by name and is looked up again in the worker; only handlers hold locks)
import logging
import multiprocessing


class Fingerprinter:
    def __init__(self):
        self.logger = logging.getLogger("datasets.fingerprint")

    def fingerprint(self, text):
        self.logger.debug("hashing %s", text)
        return text, sum(map(ord, text)) % 1000


if __name__ == "__main__":
    fp = Fingerprinter()
    with multiprocessing.Pool(2) as pool:
        print(pool.map(fp.fingerprint, ["train", "test", "validation"]))
