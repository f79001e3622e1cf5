# source: https://github.com/allenai/S2AND/issues/31
# models: the "global_dataset trick": the featurizer stores the dataset in a module global right before creating the pool so workers can read it without pickling it ("It's a Windows issue! This global trick only works on not Windows")
# expect: fails-spawn: the global is assigned at run time in the parent; spawned workers re-import the module where it does not exist -> NameError: name 'global_dataset' is not defined
import multiprocessing


def _single_pair_featurize(pair):
    a, b = pair
    names = global_dataset["names"]
    return names[a], names[b], len(set(names[a]) & set(names[b]))


def many_pairs_featurize(dataset, pairs, n_jobs=2):
    global global_dataset
    global_dataset = dataset
    with multiprocessing.Pool(n_jobs) as pool:
        return pool.map(_single_pair_featurize, pairs)


if __name__ == "__main__":
    dataset = {"names": {1: "smith j", 2: "smith john", 3: "doe a"}}
    for row in many_pairs_featurize(dataset, [(1, 2), (1, 3)]):
        print(row)
