# source: https://github.com/tensorpack/tensorpack/issues/1195
# models: the same preprocessing config where the lambda is only a default_factory (it builds the default list at construction) and the mapping is a module-level function
# expect: clean (default_factory is not stored in the instance; the field values are a list and a module-level function)
import dataclasses
import multiprocessing
from typing import Callable, List


def identity(coords):
    return coords


@dataclasses.dataclass
class PreprocConfig:
    short_edge: int = 800
    sizes: List[int] = dataclasses.field(default_factory=lambda: [600, 800])
    map_coords: Callable = identity


def preprocess(cfg, boxes, out):
    out.put([tuple(cfg.map_coords(b)) for b in boxes] + cfg.sizes)


if __name__ == "__main__":
    out = multiprocessing.Queue()
    worker = multiprocessing.Process(target=preprocess, args=(PreprocConfig(), [(1, 2), (3, 4)], out))
    worker.start()
    print(out.get(timeout=10))
    worker.join()
