# source: https://github.com/pyper-dev/pyper/issues/18
# models: a pipeline library's @task(multiprocess=True) decorator replaces each stage function with a Task object; running the pipeline maps the stored function over the items in a ProcessPoolExecutor
# expect: fails-spawn: the stage function pickles by name and __main__.step2 is now the Task object: PicklingError: Can't pickle <function step2>: it's not the same object as __main__.step2 (under every start method)
import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor


class Task:
    def __init__(self, func, branch=False, multiprocess=False, workers=2):
        self.func = func
        self.branch = branch
        self.multiprocess = multiprocess
        self.workers = workers

    def run(self, items):
        if self.branch:
            return [out for item in items for out in self.func(item)]
        if self.multiprocess:
            with ProcessPoolExecutor(self.workers) as ex:
                return list(ex.map(self.func, items))
        return [self.func(item) for item in items]


def task(func=None, **options):
    if func is None:
        return lambda f: Task(f, **options)
    return Task(func, **options)


@task(branch=True)
def step1(limit):
    for i in range(limit):
        yield {"data": i}


@task(multiprocess=True)
def step2(data):
    return data | {"hello": "world"}


class JsonFileWriter:
    def __init__(self, filepath):
        self.filepath = filepath

    def __call__(self, data):
        with open(self.filepath, "w", encoding="utf-8") as f:
            json.dump(list(data), f)


if __name__ == "__main__":
    out = os.path.join(tempfile.mkdtemp(), "data.json")
    JsonFileWriter(out)(step2.run(step1.run([4])))
    with open(out, encoding="utf-8") as f:
        print(f.read())
