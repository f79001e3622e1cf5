# source: https://github.com/SPFlow/SPFlow/issues/42
# models: the user's script imports learn_parametric at top level and calls it under a main guard; the library's StructureLearning module creates a multiprocessing.Pool when it is imported (multi-file: spn/structure_learning.py)
# expect: fails-spawn: every spawned pool worker re-imports the main script, which imports the library, which creates a Pool while the worker is bootstrapping -> RuntimeError in each worker; the parent's pool keeps replacing them (hang)
from spn.structure_learning import learn_parametric

if __name__ == "__main__":
    data = [[0.1, 1.2], [0.4, 0.8], [0.9, 0.3], [0.5, 0.5]]
    print(learn_parametric(data))
