# source: https://github.com/dipy/dipy/issues/399
# models: a tutorial script fits a model and calls peaks_from_model(..., parallel=True) at module level, as the tutorials were written; the library spreads the voxels over a process pool (multi-file: reconst.py)
# expect: fails-spawn: every pool worker re-imports the tutorial and calls peaks_from_model() again while bootstrapping (RuntimeError, then BrokenProcessPool)
from reconst import peaks_from_model

csa_model = {"sh_order": 4, "scale": 0.5}
data = [[1, 4, 2], [3, 3, 9], [0, 7, 1], [5, 2, 2]]

csapeaks = peaks_from_model(model=csa_model, data=data, parallel=True)
print(csapeaks.peak_values)
