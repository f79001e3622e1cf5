# source: https://github.com/uqfoundation/dill/issues/396
# models: a dataclass with field(default_factory=lambda: ["test"]); instances are sent to a Pool and returned
# expect: clean (the lambda stays on the class's field; an instance pickles only its values and the class by name)
import multiprocessing
from dataclasses import dataclass, field
from typing import List


@dataclass
class A:
    a: List[str] = field(default_factory=lambda: ["test"])
    label: str = "x"


def extend(item):
    item.a.append(item.label)
    return item


if __name__ == "__main__":
    items = [A(label=str(i)) for i in range(3)]
    with multiprocessing.Pool(2) as pool:
        print([item.a for item in pool.map(extend, items)])
