# source: https://github.com/dipy/dipy/issues/399
# models: the tutorial rewritten as the thread concluded: the parallel call sits under if __name__ == "__main__" (multi-file: reconst.py)
# expect: clean (the workers re-import the tutorial, which defines the model and data but starts nothing)
from reconst import peaks_from_model

csa_model = {"sh_order": 4, "scale": 0.5}
data = [[1, 4, 2], [3, 3, 9], [0, 7, 1], [5, 2, 2]]

if __name__ == "__main__":
    csapeaks = peaks_from_model(model=csa_model, data=data, parallel=True)
    print(csapeaks.peak_values)
