# source: https://github.com/uber/bayesmark/pull/8
# models: the fix: encode and decode become methods of the space class, so an instance holds only its values
# expect: clean (the Categorical instance pickles its values list; the methods are found on the class in the worker)
from concurrent.futures import ProcessPoolExecutor


class Categorical:
    def __init__(self, values):
        self.values = list(values)

    def encode(self, value):
        return self.values.index(value)

    def decode(self, index):
        return self.values[index]

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
