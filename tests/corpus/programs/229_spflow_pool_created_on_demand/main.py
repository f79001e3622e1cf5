# source: https://github.com/SPFlow/SPFlow/issues/42
# models: the library creates its Pool lazily inside learn_parametric instead of at import; the script imports it at top level and calls it under the main guard (multi-file: spn/structure_learning.py)
# expect: clean (importing the library starts nothing; the pool is created only in the parent's guarded call)
from spn.structure_learning import learn_parametric

if __name__ == "__main__":
    data = [[0.1, 1.2], [0.4, 0.8], [0.9, 0.3], [0.5, 0.5]]
    print(learn_parametric(data))
