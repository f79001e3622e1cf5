# source: https://github.com/scikit-hep/coffea/issues/865
# models: the workaround from the thread: the defaultdict's factory is a module-level function instead of a lambda
# expect: clean (defaultdict pickles its factory by name; the processor and its histograms travel to the workers)
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor


def _int_histogram():
    return defaultdict(int)


class MyProcessor:
    def __init__(self, plots=None):
        self.plots = plots or ["pt", "eta"]
        self.histograms = defaultdict(_int_histogram)

    def process(self, chunk):
        counts = {}
        for plot in self.plots:
            counts[plot] = sum(1 for value in chunk if value > 0)
        return counts


def run_uproot_job(processor, chunks):
    totals = defaultdict(int)
    with ProcessPoolExecutor(max_workers=2) as executor:
        for counts in executor.map(processor.process, chunks):
            for plot, n in counts.items():
                totals[plot] += n
    return dict(totals)


if __name__ == "__main__":
    print(run_uproot_job(MyProcessor(), [[1, -2, 3], [4, 5, -6]]))
