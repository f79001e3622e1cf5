# source: https://github.com/ppdebreuck/modnet/issues/74
# models: the fix: the same test script with its work under if __name__ == "__main__": (multi-file: moddata.py holds the library using tqdm's process_map)
# expect: clean (the workers re-import the script, which now defines data but starts nothing)
from moddata import MODData

df = {"composition": ["Fe-O", "Ga-As", "Si", "Cu-Zn-Sn-S"], "gap": [2.2, 1.4, 1.1, 1.5]}

if __name__ == "__main__":
    data = MODData(materials=df["composition"], targets=df["gap"])
    data.featurize(n_jobs=2)
    print(data.df_featurized)
