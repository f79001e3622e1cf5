# source: https://github.com/ppdebreuck/modnet/issues/74
# models: a test script (run from VS Code on Windows) loads a dataset, builds MODData and calls featurize(n_jobs=2) at module level; the library parallelises with tqdm's process_map (multi-file: moddata.py holds the library)
# expect: fails-spawn: process_map's worker processes re-import the script, which featurizes again while bootstrapping
from moddata import MODData

df = {"composition": ["Fe-O", "Ga-As", "Si", "Cu-Zn-Sn-S"], "gap": [2.2, 1.4, 1.1, 1.5]}

data = MODData(materials=df["composition"], targets=df["gap"])
data.featurize(n_jobs=2)
print(data.df_featurized)
