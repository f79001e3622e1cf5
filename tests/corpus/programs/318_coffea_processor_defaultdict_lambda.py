# source: https://github.com/scikit-hep/coffea/issues/865
# models: an analysis processor keeps its histograms in a defaultdict whose factory is a lambda; the executor runs processor.process on each chunk in worker processes
# expect: fails-spawn: the bound method pickles the processor, whose defaultdict pickles its lambda default_factory: "Can't pickle <function MyProcessor.<lambda>...>" / local object (every start method)
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor


class MyProcessor:
    def __init__(self, plots=None):
        self.plots = plots or ["pt", "eta"]
        self.histograms = defaultdict(lambda: defaultdict(int))

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
