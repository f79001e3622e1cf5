# source: https://github.com/eliorc/node2vec/issues/3
# models: a Node2Vec-style class whose constructor precomputes walks with joblib Parallel on the multiprocessing backend (the joblib of the report used it: "[joblib] Attempting to do parallel computing without protecting your import"), instantiated at module level of the user's script
# expect: fails-spawn: the multiprocessing backend's pool workers re-import the script, which constructs the model and dispatches again while bootstrapping
from joblib import Parallel, delayed


def parallel_generate_walks(graph, num_walks, walk_length):
    return [[node] * walk_length for node in graph for _ in range(num_walks)]


class Node2Vec:
    def __init__(self, graph, walk_length=3, num_walks=2, workers=2):
        self.graph = graph
        chunks = [graph[i::workers] for i in range(workers)]
        walk_lists = Parallel(n_jobs=workers, backend="multiprocessing")(
            delayed(parallel_generate_walks)(chunk, num_walks, walk_length) for chunk in chunks
        )
        self.walks = [w for walks in walk_lists for w in walks]


node2vec = Node2Vec(["a", "b", "c", "d"], walk_length=3, num_walks=2, workers=2)
print(len(node2vec.walks), "walks")
