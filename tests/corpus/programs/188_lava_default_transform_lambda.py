# source: https://github.com/lava-nc/lava/issues/193
# models: a DummyDataset whose __init__ has `transform=lambda x: x` as the default argument; the dataset is passed to the process that runs the network (Windows only: pickling error)
# expect: fails-spawn: the default lambda becomes an instance attribute and the dataset is pickled for the spawned process -> PicklingError: Can't pickle <function <lambda>>
import multiprocessing


class DummyDataset:
    def __init__(self, shape, transform=lambda x: x):
        self.shape = shape
        self.transform = transform

    def __len__(self):
        return 4

    def __getitem__(self, i):
        return self.transform([i] * self.shape), i


def run_network(dataset, out):
    out.put([sum(dataset[i][0]) for i in range(len(dataset))])


if __name__ == "__main__":
    out = multiprocessing.Queue()
    proc = multiprocessing.Process(target=run_network, args=(DummyDataset(3), out))
    proc.start()
    print(out.get(timeout=10))
    proc.join()
