# source: https://github.com/uber/bayesmark/pull/8
# models: a search-space class builds its encoder and decoder as lambdas in __init__ and keeps them on the instance; the benchmark submits each optimizer run with the space to a ProcessPoolExecutor
# expect: fails-spawn: submit pickles the Categorical space and its lambda attributes: "Can't pickle local object 'Categorical.__init__.<locals>.<lambda>'" (every start method)
from concurrent.futures import ProcessPoolExecutor


class Categorical:
    def __init__(self, values):
        self.values = list(values)
        self.encode = lambda value: self.values.index(value)
        self.decode = lambda index: self.values[index]

    def grid(self):
        return [self.encode(v) for v in self.values]


def run_study(optimizer, space):
    best = max(space.grid())
    return f"{optimizer}: best={space.decode(best)}"


def main():
    space = Categorical(["adam", "sgd", "rmsprop"])
    with ProcessPoolExecutor(max_workers=2) as executor:
        futures = [executor.submit(run_study, name, space) for name in ("random-search", "hyperopt")]
        for future in futures:
            print(future.result())


if __name__ == "__main__":
    main()
