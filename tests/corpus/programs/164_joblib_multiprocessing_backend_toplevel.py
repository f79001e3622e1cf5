# source: https://github.com/joblib/joblib/issues/389
# models: a script runs a grid of model evaluations with `Parallel(n_jobs=2, backend="multiprocessing")` at module level (the thread shows joblib warning "Multiprocessing-backed parallel loops cannot be nested, setting n_jobs=1")
# expect: fails-spawn: the multiprocessing backend's pool workers re-import the script under spawn; the top-level Parallel call runs again inside every worker
from joblib import Parallel, delayed


def model_performance(alpha):
    return alpha, round(1.0 / (1.0 + alpha), 3)


alphas = [0.1, 0.5, 1.0, 2.0]
scores = Parallel(n_jobs=2, backend="multiprocessing")(delayed(model_performance)(a) for a in alphas)
print("scores:", scores)
