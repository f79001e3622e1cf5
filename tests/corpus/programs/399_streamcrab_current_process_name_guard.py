# source: https://github.com/cyhex/streamcrab/issues/25
# models: the classifier starter decides whether it is the main process with multiprocessing.current_process().name == "MainProcess" instead of a __name__ guard, and starts its worker pool there
# expect: clean (a spawned child's process name is set from the parent's data before it re-imports the main module, so the check is False there)
import multiprocessing


def classify(tweet):
    positive = sum(word in tweet for word in ("good", "great"))
    negative = sum(word in tweet for word in ("bad", "awful"))
    return tweet, "pos" if positive >= negative else "neg"


class ClassifierPool:
    def __init__(self, workers):
        self.workers = workers

    def start(self, stream):
        with multiprocessing.Pool(self.workers) as pool:
            return pool.map(classify, stream)


if multiprocessing.current_process().name == "MainProcess":
    for tweet, label in ClassifierPool(2).start(["good day", "awful traffic"]):
        print(label, tweet)
