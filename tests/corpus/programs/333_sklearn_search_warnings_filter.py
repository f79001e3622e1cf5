# source: https://github.com/scikit-learn/scikit-learn/issues/12939
# models: the search script sets the warnings filter for its fitting warning in the guard -- here turning the convergence warning into an error so that non-converging candidates are skipped -- and runs the candidates in a process pool
# expect: misbehaves-spawn: spawned workers start with the interpreter's own filters, not the parent's, so the warning never becomes an error there and no candidate is skipped, where forked workers inherit the filter and skip alpha=0.1
import warnings
from concurrent.futures import ProcessPoolExecutor


class ConvergenceWarning(UserWarning):
    pass


def fit(alpha):
    try:
        if alpha < 0.3:
            warnings.warn("Liblinear failed to converge, increase the number of iterations.", ConvergenceWarning)
        return alpha, round(1.0 / (1.0 + alpha), 3)
    except ConvergenceWarning:
        return alpha, None


if __name__ == "__main__":
    warnings.simplefilter("error", ConvergenceWarning)
    with ProcessPoolExecutor(max_workers=2) as executor:
        for alpha, score in executor.map(fit, [0.1, 0.5]):
            print(f"alpha={alpha}: " + ("skipped (did not converge)" if score is None else f"score={score}"))
