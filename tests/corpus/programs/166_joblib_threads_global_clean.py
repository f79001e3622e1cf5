# source: https://github.com/joblib/joblib/issues/832
# models: a feature search sets a module global in the main block and runs the evaluations with joblib's prefer="threads", so the workers share the module
# expect: clean (threads see the parent's globals; nothing is started as a process)
from joblib import Parallel, delayed

THRESHOLD = None


def evaluate(label):
    return label, len(label) > THRESHOLD


if __name__ == "__main__":
    THRESHOLD = 4
    print(Parallel(n_jobs=2, prefer="threads")(delayed(evaluate)(w) for w in ["cat", "horse", "elephant"]))
