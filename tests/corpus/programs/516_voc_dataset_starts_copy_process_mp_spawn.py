# source: https://github.com/pytorch/pytorch/issues/28403
# models: a dataset class copies its data from NFS to a local disk in a background Process started in __init__ (self.p, with a multiprocessing.Value flag), and the training run then hands the dataset to torch.multiprocessing.spawn
# expect: fails-spawn: spawn pickles the arguments of every rank, and the dataset carries its started Process object (self.p), which cannot be pickled
import ctypes
import multiprocessing
import os
import shutil
import tempfile

import torch.multiprocessing as mp


class VOCDataset:
    def __init__(self, data_path, replace_data_path=None):
        self.data_path = data_path
        self.replace_data_path = replace_data_path
        if self.replace_data_path is not None:
            self.replace_data_path = os.path.abspath(self.replace_data_path)
            self.copy_finish = multiprocessing.Value(ctypes.c_bool, False)
            self.p = multiprocessing.Process(target=self.copy_data, args=[self.copy_finish])
            self.p.start()

    def copy_data(self, copy_finish):
        if os.path.exists(self.replace_data_path):
            shutil.rmtree(self.replace_data_path)
        shutil.copytree(self.data_path, self.replace_data_path)
        copy_finish.value = True

    def files(self):
        return sorted(os.listdir(self.replace_data_path or self.data_path))


def main_worker(rank, dataset):
    print(rank, dataset.files())


if __name__ == "__main__":
    src = tempfile.mkdtemp()
    for name in ("a.jpg", "b.jpg"):
        with open(os.path.join(src, name), "w") as f:
            f.write(name)
    dataset = VOCDataset(src, replace_data_path=src + "_ssd")
    dataset.p.join()
    mp.spawn(main_worker, nprocs=2, args=(dataset,))
