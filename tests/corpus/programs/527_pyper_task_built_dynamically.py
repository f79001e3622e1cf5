# source: https://github.com/pyper-dev/pyper/issues/18
# models: the maintainer's workaround: the stages stay plain functions and the Task objects are built in the guard with task(step2, multiprocess=True)
# expect: clean (step2 is still the function that __main__.step2 names, so it pickles by name)
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


def step1(limit):
    for i in range(limit):
        yield {"data": i}


def step2(data):
    return data | {"hello": "world"}


class JsonFileWriter:
    def __init__(self, filepath):
        self.filepath = filepath

    def __call__(self, data):
        with open(self.filepath, "w", encoding="utf-8") as f:
            json.dump(list(data), f)


if __name__ == "__main__":
    first = task(step1, branch=True)
    second = task(step2, multiprocess=True)
    out = os.path.join(tempfile.mkdtemp(), "data.json")
    JsonFileWriter(out)(second.run(first.run([4])))
    with open(out, encoding="utf-8") as f:
        print(f.read())
