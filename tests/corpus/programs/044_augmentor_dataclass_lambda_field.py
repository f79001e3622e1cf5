# source: https://github.com/tensorpack/tensorpack/issues/1195
# models: a preprocessing config is a dataclass whose coordinate-mapping field defaults to a lambda; the config travels to the preprocessing worker processes (adding a lambda augmentor broke pickling)
# expect: fails-spawn: the dataclass instance pickles its fields, and the field value is a lambda -> PicklingError: Can't pickle <function PreprocConfig.<lambda>>
import dataclasses
import multiprocessing
from typing import Callable


@dataclasses.dataclass
class PreprocConfig:
    short_edge: int = 800
    flip: bool = True
    map_coords: Callable = lambda coords: coords


def preprocess(cfg, boxes, out):
    out.put([tuple(cfg.map_coords(b)) for b in boxes] + [cfg.short_edge])


if __name__ == "__main__":
    out = multiprocessing.Queue()
    worker = multiprocessing.Process(target=preprocess, args=(PreprocConfig(), [(1, 2), (3, 4)], out))
    worker.start()
    print(out.get(timeout=10))
    worker.join()
