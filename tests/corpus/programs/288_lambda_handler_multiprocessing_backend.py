# source: https://github.com/joblib/joblib/issues/391
# models: an AWS Lambda-style handler(event, context) runs `Parallel(n_jobs=2, verbose=0, temp_folder=temp_folder, backend='multiprocessing')(delayed(worker)(i, user_vars) for i in range(...))`; locally the handler is called under the guard
# expect: clean (worker is a module-level function and the pool starts only from the guard)
import tempfile

from joblib import Parallel, delayed


def worker(i, user_vars):
    return i * user_vars["scale"]


def handler(event, context):
    temp_folder = tempfile.gettempdir()
    user_vars = {"worlds": event["worlds"], "scale": 3}
    r = Parallel(n_jobs=2, verbose=0, temp_folder=temp_folder, backend="multiprocessing")(
        delayed(worker)(i, user_vars) for i in range(user_vars["worlds"])
    )
    return {"results": r}


if __name__ == "__main__":
    print(handler({"worlds": 5}, None))
