# source: https://github.com/pytorch/pytorch/issues/28403
# models: the copy is started and joined by the launcher before torch.multiprocessing.spawn, and the dataset keeps only its paths
# expect: clean (the dataset handed to spawn holds two strings)
import multiprocessing
import os
import shutil
import tempfile

import torch.multiprocessing as mp


def copy_data(data_path, replace_data_path):
    if os.path.exists(replace_data_path):
        shutil.rmtree(replace_data_path)
    shutil.copytree(data_path, replace_data_path)


class VOCDataset:
    def __init__(self, data_path, replace_data_path=None):
        self.data_path = data_path
        self.replace_data_path = replace_data_path

    def files(self):
        return sorted(os.listdir(self.replace_data_path or self.data_path))


def main_worker(rank, dataset):
    print(rank, dataset.files())


if __name__ == "__main__":
    src = tempfile.mkdtemp()
    for name in ("a.jpg", "b.jpg"):
        with open(os.path.join(src, name), "w") as f:
            f.write(name)
    dst = os.path.abspath(src + "_ssd")
    copier = multiprocessing.Process(target=copy_data, args=(src, dst))
    copier.start()
    copier.join()
    dataset = VOCDataset(src, replace_data_path=dst)
    mp.spawn(main_worker, nprocs=2, args=(dataset,))
